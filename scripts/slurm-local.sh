#!/usr/bin/env bash
# A single-node SLURM cluster on this machine for the SLURM tests: munged, slurmctld and slurmd
# (as root) with a minimal slurm.conf. `start` uses a cluster that already answers (sinfo) or
# writes the config and starts the daemons, then checks that `sbatch --wrap hostname` runs;
# `stop` ends the daemons this script started (munged only when it started it too).
# Needs Debian's slurm-wlm and munge (apt).
# Environment: PS_SLURM_STATE (state dir, default /var/lib/ps-slurm-local), PS_SLURM_CTLD_PORT
# and PS_SLURM_D_PORT (default 6817 and 6818), PS_SLURM_CPUS (slots on the node, default 16:
# worker tasks mostly wait on Kafka, so the node is oversubscribed on purpose).
set -euo pipefail

state=${PS_SLURM_STATE:-/var/lib/ps-slurm-local}
ctld_port=${PS_SLURM_CTLD_PORT:-6817}
d_port=${PS_SLURM_D_PORT:-6818}
cpus=${PS_SLURM_CPUS:-16}
conf=/etc/slurm/slurm.conf
node=$(hostname -s)

fail() {
  echo "error: $*" >&2
  exit 1
}

need_tools() {
  for tool in munged slurmctld slurmd sbatch sinfo; do
    command -v "$tool" >/dev/null ||
      fail "$tool is not installed — run: apt-get install -y slurm-wlm munge"
  done
  [[ $(id -u) == 0 ]] || fail "the local SLURM cluster starts its daemons as root — run as root"
}

write_conf() {
  mkdir -p "$state/ctld" "$state/d" /etc/slurm
  cat >"$conf" <<EOF
# written by scripts/slurm-local.sh: a one-node test cluster
ClusterName=ps-local
SlurmctldHost=$node
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
AuthType=auth/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/d
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
KillWait=20
NodeName=$node CPUs=$cpus RealMemory=1024 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE OverSubscribe=FORCE:4 State=UP
EOF
}

start_munge() {
  munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && return
  [[ -s /etc/munge/munge.key ]] || {
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
    chown munge:munge /etc/munge/munge.key
    chmod 0400 /etc/munge/munge.key
  }
  install -d -o munge -g munge -m 0755 /run/munge
  runuser -u munge -- munged
  mkdir -p "$state"
  touch "$state/started-munge"
}

wait_until() {
  local what=$1 tries=$2
  shift 2
  for ((i = 0; i < tries; i++)); do
    "$@" >/dev/null 2>&1 && return
    sleep 0.5
  done
  fail "timed out waiting until $what (logs in $state)"
}

node_idle() {
  sinfo -h -N -o '%T' | grep -Eq '^(idle|mixed|allocated)'
}

start() {
  need_tools
  if sinfo -h >/dev/null 2>&1; then
    echo "SLURM answers already: using it"
  else
    start_munge
    write_conf
    slurmctld -i
    wait_until "slurmctld answers" 60 sinfo -h
    slurmd
  fi
  wait_until "the node is up" 60 node_idle
  sbatch --quiet --wait --output=/dev/null --job-name=ps-local-check --wrap hostname ||
    fail "sbatch --wrap hostname did not run (logs in $state)"
  echo "SLURM ready: $(sinfo -h -o '%P %D %T' | head -1)"
}

stop() {
  for daemon in slurmd slurmctld; do
    local pid_file=$state/$daemon.pid
    [[ -s $pid_file ]] && kill "$(cat "$pid_file")" 2>/dev/null || true
  done
  if [[ -e $state/started-munge ]]; then
    munged --stop 2>/dev/null || true
    rm -f "$state/started-munge"
  fi
}

case ${1:-start} in
start) start ;;
stop) stop ;;
*) fail "usage: scripts/slurm-local.sh start|stop" ;;
esac
