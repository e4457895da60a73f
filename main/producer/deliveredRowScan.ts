// Resume without duplicates: rows acknowledged after the last persisted checkpoint (and rows
// of a request the broker wrote just before the producer died) are already in the topic.
// This reads each partition from the checkpoint's offset to its current end and collects the
// `source.row` of every message from this dataset, so the resumed run can skip exactly those.
import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { EnvironmentError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { SOURCE_FILE_HEADER, SOURCE_ROW_HEADER } from '../shared/sourceHeaders';

export interface ScanRequest {
  topic: string;
  /** partition → first offset to read; partitions missing here are read from their start */
  scanFrom: Map<number, bigint>;
  /** relative paths of the dataset's files: messages from other files are not ours */
  files: ReadonlySet<string>;
  timeoutMs?: number;
}

export interface ScanResult {
  /** dataset rows found in the scanned range */
  rows: Set<number>;
  /** each partition's end offset when the scan began: where this run's messages will start */
  endOffsets: Map<number, bigint>;
}

export async function findDeliveredRows(
  kafka: Kafka,
  request: ScanRequest,
  logger: Logger,
): Promise<ScanResult> {
  const admin = kafka.admin();
  await admin.connect();
  let ranges: { partition: number; from: bigint; end: bigint }[];
  try {
    const offsets = await admin.fetchTopicOffsets(request.topic);
    ranges = offsets.map((entry) => ({
      partition: entry.partition,
      from: request.scanFrom.get(entry.partition) ?? BigInt(entry.low),
      end: BigInt(entry.high),
    }));
  } finally {
    await admin.disconnect();
  }
  const endOffsets = new Map(ranges.map((range) => [range.partition, range.end]));
  const pending = ranges.filter((range) => range.from < range.end);
  const rows = new Set<number>();
  if (pending.length === 0) return { rows, endOffsets };

  logger.info('reading the topic tail to find rows delivered after the checkpoint', {
    partitions: pending.map((range) => `${range.partition}:${range.from}-${range.end}`),
  });
  await readRanges(kafka, request, pending, rows);
  return { rows, endOffsets };
}

async function readRanges(
  kafka: Kafka,
  request: ScanRequest,
  ranges: { partition: number; from: bigint; end: bigint }[],
  rows: Set<number>,
): Promise<void> {
  const groupId = `parquet-streamer-resume-scan-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxBytes: 16 * 1024 * 1024 });
  const byPartition = new Map(ranges.map((range) => [range.partition, range]));
  const unfinished = new Set(byPartition.keys());
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const timeoutMs = request.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: request.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const range = byPartition.get(batch.partition);
        if (!range) return;
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          if (offset < range.from || offset >= range.end) continue;
          const file = headerText(message.headers?.[SOURCE_FILE_HEADER]);
          const row = headerText(message.headers?.[SOURCE_ROW_HEADER]);
          if (file !== null && row !== null && request.files.has(file)) rows.add(Number(row));
        }
        const last = batch.messages.at(-1);
        if (last && BigInt(last.offset) >= range.end - 1n) {
          unfinished.delete(batch.partition);
          if (unfinished.size === 0) finish();
        }
      },
    });
    for (const range of ranges) {
      consumer.seek({
        topic: request.topic,
        partition: range.partition,
        offset: String(range.from),
      });
    }
    await Promise.race([
      finished,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new EnvironmentError(
                `could not read the end of topic "${request.topic}" within ${timeoutMs / 1000} s ` +
                  'to resume safely — check the broker and retry --resume',
              ),
            ),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
    await deleteGroupQuietly(kafka, groupId);
  }
}

function headerText(value: Buffer | string | (Buffer | string)[] | undefined): string | null {
  if (value === undefined) return null;
  const single = Array.isArray(value) ? value[0] : value;
  return single === undefined ? null : single.toString();
}

async function deleteGroupQuietly(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // an empty group without offsets expires by itself; nothing is lost if this fails
  } finally {
    await admin.disconnect();
  }
}
