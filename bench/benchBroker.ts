// The broker a benchmark measures against: PS_BENCH_BROKERS when set, otherwise a throwaway
// local broker (temporary data dir, free port) that is stopped afterwards.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort, LocalBroker } from '../main/broker/localBroker';
import { resolveKafkaDistribution } from '../main/broker/kafkaDistribution';

export interface BenchBroker {
  brokers: string[];
  /** folder of Kafka's jars, for the Java tools */
  libsDir: string;
  description: string;
  /** the broker's processes, for CPU figures (none for an existing broker) */
  pids(): number[];
  stop(): Promise<void>;
}

export async function benchBroker(): Promise<BenchBroker> {
  const distribution = await resolveKafkaDistribution();
  const external = process.env.PS_BENCH_BROKERS;
  if (external) {
    return {
      brokers: external.split(','),
      libsDir: distribution.libsDir,
      description: `existing broker ${external} (PS_BENCH_BROKERS)`,
      pids: () => [],
      stop: async () => undefined,
    };
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ps-bench-broker-'));
  const broker = new LocalBroker({ dataDir, port: await freePort(), heapMb: 1024 });
  await broker.start();
  return {
    brokers: broker.brokers,
    libsDir: distribution.libsDir,
    description: `local broker ${broker.brokers.join(',')} (Kafka ${distribution.version}, started for this run)`,
    pids: () =>
      (broker.status().nodes ?? []).flatMap(({ pid }) => (pid === undefined ? [] : [pid])),
    stop: async () => {
      await broker.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
