// What every benchmark shares: running a tool and printing figures with their verdicts.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

/** Runs a command; resolves with its stdout, rejects with the tail of its stderr. */
export function runProcess(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${path.basename(command)} exited with ${code}: ${stderr.trim()}`));
    });
  });
}

/** One figure line, with its verdict when it has a target. */
export function figure(label: string, value: string, met?: boolean, target?: string): void {
  const verdict = met === undefined ? '' : `  [${met ? 'met' : 'MISSED'}: target ${target}]`;
  line(`${label}: ${value}${verdict}`);
}

export function line(text: string): void {
  process.stdout.write(text + '\n');
}

export function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** The p-th percentile (nearest rank) of some values; NaN when there are none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
