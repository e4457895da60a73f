// The two internal topics a worker running a window step needs. The repartition topic carries
// the rows after the steps before the window, keyed by the window key (murmur2, like any keyed
// record), so every row of a key reaches one partition and one worker; the compacted changelog
// topic keeps each repartition partition's window state (changelog partition = repartition
// partition), written in the same transaction as the outputs and offsets.
//
// Event time is kept per input partition (docs/windows.md): each repartition record carries its
// input partition and that partition's stream time up to and including the row (headers), and
// an input batch that moved its partition's stream time also sends every repartition partition
// a progress marker (no key, no value, the same headers), so a window partition learns how far
// each input partition has come even when none of its rows went there. The input partition's
// stream time survives a move to another worker as the metadata of its committed offset.
import type { Admin, IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { Row, SourceTime } from '../pipelines/pipeline';

/** headers of a repartition record: its input partition and that partition's stream time */
export const SOURCE_PARTITION_HEADER = 'window.source-partition';
export const SOURCE_TIME_HEADER = 'window.source-time';

export interface WindowTopicNames {
  repartition: string;
  changelog: string;
}

/** `<group>-<transform name>-repartition` and `-changelog`, in Kafka's topic alphabet. */
export function windowTopicNames(group: string, transformName: string): WindowTopicNames {
  const base = `${group}-${transformName}`.replace(/[^a-zA-Z0-9._-]/g, '_').slice(0, 200);
  return { repartition: `${base}-repartition`, changelog: `${base}-changelog` };
}

/**
 * Creates the topics that are missing, with as many partitions as the input topic; returns the
 * number of input partitions, whose stream times every window partition waits for.
 */
export async function ensureWindowTopics(
  admin: Admin,
  names: WindowTopicNames,
  inputTopic: string,
): Promise<number> {
  const [input] = (await admin.fetchTopicMetadata({ topics: [inputTopic] })).topics;
  const partitions = input?.partitions.length ?? 1;
  const existing = new Set(await admin.listTopics());
  const missing = [
    { topic: names.repartition, numPartitions: partitions },
    {
      topic: names.changelog,
      numPartitions: partitions,
      configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
    },
  ].filter(({ topic }) => !existing.has(topic));
  if (missing.length === 0) return partitions;
  // two workers starting together may both create: the loser's TOPIC_ALREADY_EXISTS is fine
  await admin.createTopics({ topics: missing, waitForLeaders: false }).catch((error: unknown) => {
    if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
  });
  await waitForLeaders(admin, [names.repartition, names.changelog]);
  return partitions;
}

/**
 * Waits until every partition of the topics has a leader. kafkajs' own wait gives up at once
 * when a KRaft broker has not learned of a topic it just created (UNKNOWN_TOPIC_OR_PARTITION).
 */
export async function waitForLeaders(
  admin: Admin,
  topics: string[],
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics });
      const ready = metadata.topics.every(
        (topic) =>
          topic.partitions.length > 0 &&
          topic.partitions.every((partition) => partition.leader >= 0),
      );
      if (ready) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leader yet`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The repartition record key of a row: its window key fields' values, as JSON. */
export function windowKeyOf(row: Row, keyFields: readonly string[]): string {
  return JSON.stringify(keyFields.map((field) => row[field] ?? null));
}

/**
 * An input partition's stream time as its rows go to the repartition topic: the highest event
 * time of the rows the window step will aggregate (`eventTime` null: an error row, which moves
 * nothing), null before the first.
 */
export class SourceClock {
  constructor(
    readonly partition: number,
    public streamTime: number | null,
  ) {
    this.partitionText = String(partition);
  }

  private readonly partitionText: string;

  /** the headers of a row bound for the repartition topic; moves the clock by the row's time */
  headersOf(time: number | null): IHeaders {
    return this.tag({}, time);
  }

  /** headersOf, added to a row's own headers */
  tag(headers: IHeaders, time: number | null): IHeaders {
    if (time !== null && time > (this.streamTime ?? -Infinity)) this.streamTime = time;
    headers[SOURCE_PARTITION_HEADER] = this.partitionText;
    if (this.streamTime !== null) headers[SOURCE_TIME_HEADER] = String(this.streamTime);
    return headers;
  }

  /** one marker per repartition partition with the clock's time (none before the first row) */
  markers(partitions: number): Message[] {
    if (this.streamTime === null) return [];
    const headers = this.headersOf(null);
    return Array.from({ length: partitions }, (_, partition) => ({
      partition,
      key: null,
      value: null,
      headers,
    }));
  }

  /** the committed offset's metadata that restores the clock */
  metadata(): string | null {
    return this.streamTime === null ? null : JSON.stringify({ streamTime: this.streamTime });
  }

  /** the clock of a partition as its committed offset's metadata left it */
  static restore(partition: number, metadata: string | null): SourceClock {
    let streamTime: unknown = null;
    try {
      streamTime = (JSON.parse(metadata ?? 'null') as { streamTime?: unknown } | null)?.streamTime;
    } catch {
      // an offset committed without a window step's metadata: no stream time yet
    }
    return new SourceClock(
      partition,
      typeof streamTime === 'number' && Number.isFinite(streamTime) ? streamTime : null,
    );
  }
}

function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** The input partition and stream time a repartition record carries; null without both. */
export function sourceTimeOf(message: KafkaMessage): SourceTime | null {
  const partition = Number(headerText(message.headers, SOURCE_PARTITION_HEADER) ?? NaN);
  const streamTime = Number(headerText(message.headers, SOURCE_TIME_HEADER) ?? NaN);
  if (!Number.isInteger(partition) || partition < 0 || !Number.isFinite(streamTime)) return null;
  return { partition, streamTime };
}
