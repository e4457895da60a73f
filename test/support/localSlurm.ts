// The SLURM the SLURM tests run against: the one answering here, or the one-node cluster of
// scripts/slurm-local.sh, started when it is installed but not running; and the task logs'
// last lines for a failure message.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const LOCAL_CLUSTER = path.join(__dirname, '..', '..', '..', 'scripts', 'slurm-local.sh');

/** A SLURM that answers: the one running here, or the local cluster started by the script. */
export function ensureSlurm(): void {
  const answers = () => {
    try {
      execFileSync('sinfo', ['-h'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (answers()) return;
  try {
    execFileSync(LOCAL_CLUSTER, ['start'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const said = String((error as { stderr?: Buffer }).stderr ?? '').trim();
    assert.fail(
      `SLURM is not running here (${said || 'sinfo does not answer'}) — install it with ` +
        '`apt-get install -y slurm-wlm munge` and start a one-node cluster with `scripts/slurm-local.sh start` (as root)',
    );
  }
}

/** The last lines of every task's log, for a failure message (the job dir is removed after). */
export async function logTails(jobDir: string): Promise<string> {
  const dir = path.join(jobDir, 'logs');
  const files = await readdir(dir).catch(() => []);
  const tails = await Promise.all(
    files.map(async (file) => {
      const lines = (await readFile(path.join(dir, file), 'utf8')).trimEnd().split('\n');
      return `--- ${file}\n${lines.slice(-8).join('\n')}`;
    }),
  );
  return tails.join('\n');
}
