// The broker's Java process seen from outside: is a pid alive and a Kafka broker (not a reused
// pid), and stop it (SIGTERM, then SIGKILL after a timeout). Used by LocalBroker and its watchdog.
import { existsSync, readFileSync } from 'node:fs';
import { EnvironmentError } from '../shared/errors';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when pid is alive and (where /proc exists) is a Kafka broker, not a reused pid. */
export function isKafkaProcess(pid: number): boolean {
  if (!isAlive(pid)) return false;
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync(cmdline)) return process.platform !== 'linux';
  return readFileSync(cmdline, 'utf8').includes('kafka.Kafka');
}

/** SIGTERM (a clean shutdown), then SIGKILL when it has not exited within timeoutMs. */
export async function terminate(pid: number, timeoutMs: number): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  if (isAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    const killDeadline = Date.now() + 10_000;
    while (isAlive(pid) && Date.now() < killDeadline) await sleep(100);
    if (isAlive(pid))
      throw new EnvironmentError(`the broker process ${pid} did not exit after SIGKILL`);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
