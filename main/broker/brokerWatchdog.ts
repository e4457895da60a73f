// Stops a broker when the process that started it dies, however it dies (SIGKILL included).
// The owner forks this watchdog with an IPC channel; the kernel closes that channel when the
// owner exits, so the watchdog's 'disconnect' fires with no polling of pids that could be
// reused. It then stops the broker (SIGTERM, SIGKILL after a timeout) and removes its record.
// It runs in its own session, so Ctrl+C or a closed terminal reaches the owner, not it, and it
// exits by itself once the broker is gone.
import { fork, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { isAlive, isKafkaProcess, terminate } from './brokerProcess';

const BROKER_POLL_MS = 1_000;

/** Starts the watchdog of `brokerPid`; `recordFile` is removed when it stops the broker. */
export function watchBroker(
  brokerPid: number,
  recordFile: string,
  stopTimeoutMs: number,
): ChildProcess {
  const watchdog = fork(__filename, [String(brokerPid), recordFile, String(stopTimeoutMs)], {
    detached: true,
    execArgv: [],
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  // the owner may exit while the watchdog lives: neither the process nor its channel holds it
  watchdog.unref();
  watchdog.channel?.unref();
  return watchdog;
}

function runWatchdog(brokerPid: number, recordFile: string, stopTimeoutMs: number): void {
  const brokerGone = setInterval(() => {
    if (!isAlive(brokerPid)) process.exit(0);
  }, BROKER_POLL_MS);
  const ownerGone = () => {
    clearInterval(brokerGone);
    void stopBroker(brokerPid, recordFile, stopTimeoutMs).finally(() => process.exit(0));
  };
  if (process.connected) process.once('disconnect', ownerGone);
  else ownerGone();
}

async function stopBroker(pid: number, recordFile: string, timeoutMs: number): Promise<void> {
  if (!isKafkaProcess(pid)) return;
  await terminate(pid, timeoutMs).catch(() => undefined);
  rmSync(recordFile, { force: true });
}

if (require.main === module) {
  const [pid, recordFile, timeoutMs] = process.argv.slice(2);
  runWatchdog(Number(pid), recordFile, Number(timeoutMs));
}
