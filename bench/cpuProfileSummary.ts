// Where a CPU profile's time goes: self time grouped by who owns the code (kafkajs, the codec,
// the producer, Node's buffers, GC, idle), plus the busiest functions.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileShare {
  name: string;
  percent: number;
}

function owner(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)') return 'idle (waiting for the broker or another thread)';
  if (functionName === '(program)') return 'V8 (program)';
  if (url.includes('node_modules/kafkajs/')) return 'kafkajs (client, protocol)';
  if (url.includes('/main/broker/')) return 'record batches and CRC (main/broker/produceRequest)';
  if (url.includes('node_modules/apache-arrow/')) return 'apache-arrow';
  if (url.includes('/main/parquet/')) return 'parquet reader + JSON codec';
  if (url.includes('/main/producer/')) return 'producer (partitioning, batching, pacing)';
  if (url.includes('/main/pipelines/')) return 'transform steps and windows (main/pipelines)';
  if (url.includes('/main/worker/')) return 'worker (batches, transactions, state)';
  if (url.includes('/main/charts/')) return 'chart feed (main/charts: windows, figures)';
  if (url.startsWith('node:') || url === '') return 'Node internals (Buffer, streams, sockets)';
  return 'other';
}

export function summariseCpuProfile(
  file: string,
  topFunctions = 12,
): {
  owners: ProfileShare[];
  functions: ProfileShare[];
} {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const selfTime = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    selfTime.set(id, (selfTime.get(id) ?? 0) + delta);
    total += delta;
  });
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const time = selfTime.get(node.id) ?? 0;
    if (time === 0) continue;
    byOwner.set(owner(node), (byOwner.get(owner(node)) ?? 0) + time);
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.split('/').slice(-2).join('/')}:${lineNumber + 1}` : '';
    const name = `${functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + time);
  }
  const shares = (map: Map<string, number>) =>
    [...map]
      .map(([name, time]) => ({ name, percent: (100 * time) / total }))
      .sort((a, b) => b.percent - a.percent);
  return { owners: shares(byOwner), functions: shares(byFunction).slice(0, topFunctions) };
}
