// The largest record batch a topic accepts (max.message.bytes), so the producer can size its
// per-partition batches and reject an oversized row before the broker does.
import type { Kafka } from 'kafkajs';
import { ConfigResourceTypes } from '../broker/kafkajs';

/** Kafka's default max.message.bytes. */
const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

export async function readTopicMessageLimit(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] },
      ],
    });
    const entry = described.resources[0]?.configEntries.find(
      (config) => config.configName === 'max.message.bytes',
    );
    const value = Number(entry?.configValue);
    return Number.isFinite(value) && value > 0 ? value : DEFAULT_MAX_MESSAGE_BYTES;
  } finally {
    await admin.disconnect();
  }
}
