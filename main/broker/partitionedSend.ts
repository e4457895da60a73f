// kafkajs' producer send (src/producer/sendMessages.js), with retries tracked per partition
// instead of per broker. kafkajs remembers which *brokers* answered; when a broker is lost and
// its partitions' leadership moves to a broker that already answered for its own partitions,
// the retry finds no broker left to ask and reports success: the moved partitions' messages
// are never sent again (lost, or, when they had landed, the partition's idempotent sequence is
// rewound and the next send fails with OUT_OF_ORDER_SEQUENCE_NUMBER). Seen with a node of a
// 3-node cluster killed mid-stream. Here every retry sends each partition not yet acknowledged
// to its current leader, with the same sequence numbers, so the broker takes a batch that had
// landed as the duplicate it is. The messages are grouped into partitions once per send.
// main/broker/kafkajs.ts installs it in place of kafkajs' own.
import { createRequire } from 'node:module';

/* eslint-disable @typescript-eslint/no-explicit-any -- kafkajs internals are untyped */
type Internals = {
  logger: any;
  cluster: any;
  partitioner: any;
  eosManager: any;
  retrier: (
    work: (bail: (error: Error) => void, retryCount: number, retryTime: number) => Promise<any>,
  ) => Promise<any>;
};
type Entry = { topicName: string; partition: number };

const loadModule = createRequire(__filename);
const load = (name: string): any => loadModule(`kafkajs/src/${name}`);

export function createPartitionedSend({
  logger,
  cluster,
  partitioner,
  eosManager,
  retrier,
}: Internals) {
  const { KafkaJSMetadataNotLoaded } = load('errors');
  const { staleMetadata } = load('protocol/error');
  const responseSerializer = load('producer/responseSerializer');
  // kafkajs.ts has put its linear grouping in place of kafkajs' own by now
  const groupMessagesPerPartition = load('producer/groupMessagesPerPartition');

  return async ({ acks, timeout, compression, topicMessages }: any): Promise<Entry[]> => {
    const grouped = new Map<string, Record<number, any[]>>();
    /** partitions done, with the broker's answer (none for acks=0, as in kafkajs) */
    const acknowledged = new Map<string, Entry | null>();
    const key = (topic: string, partition: number | string) => `${topic}\u0000${partition}`;

    const sendPending = async (): Promise<void> => {
      await cluster.refreshMetadataIfNecessary();
      const perLeader = new Map<number, { topic: string; partitions: number[] }[]>();
      for (const { topic, messages } of topicMessages) {
        const partitionMetadata = cluster.findTopicPartitionMetadata(topic);
        if (partitionMetadata.length === 0) {
          logger.debug('Producing to topic without metadata', { topic });
          throw new KafkaJSMetadataNotLoaded('Producing to topic without metadata');
        }
        if (!grouped.has(topic)) {
          grouped.set(
            topic,
            groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }),
          );
        }
        const pending = Object.keys(grouped.get(topic)!)
          .map(Number)
          .filter((partition) => !acknowledged.has(key(topic, partition)));
        const leaders: Record<string, number[]> = cluster.findLeaderForPartitions(topic, pending);
        for (const [nodeId, partitions] of Object.entries(leaders)) {
          const list = perLeader.get(Number(nodeId)) ?? [];
          list.push({ topic, partitions });
          perLeader.set(Number(nodeId), list);
        }
      }
      // every request of this attempt ends before a retry, so a late answer is not sent again
      const outcomes = await Promise.allSettled(
        [...perLeader].map(async ([nodeId, topics]) => {
          const broker = await cluster.findBroker({ nodeId });
          const topicData = topics.map(({ topic, partitions }) => ({
            topic,
            partitions: partitions.map((partition) => ({
              partition,
              messages: grouped.get(topic)![partition],
            })),
          }));
          await eosManager.acquireBrokerLock(broker);
          try {
            if (eosManager.isTransactional()) {
              await eosManager.addPartitionsToTransaction(topicData);
            }
            for (const { topic, partitions } of topicData) {
              for (const entry of partitions as any[]) {
                entry.firstSequence = eosManager.getSequence(topic, entry.partition);
                eosManager.updateSequence(topic, entry.partition, entry.messages.length);
              }
            }
            let response;
            try {
              response = await broker.produce({
                transactionalId: eosManager.isTransactional()
                  ? eosManager.getTransactionalId()
                  : undefined,
                producerId: eosManager.getProducerId(),
                producerEpoch: eosManager.getProducerEpoch(),
                acks,
                timeout,
                compression,
                topicData,
              });
            } catch (error) {
              for (const { topic, partitions } of topicData) {
                for (const entry of partitions) {
                  eosManager.updateSequence(topic, entry.partition, -entry.messages.length);
                }
              }
              throw error;
            }
            if (acks === 0) {
              for (const { topic, partitions } of topicData) {
                for (const { partition } of partitions)
                  acknowledged.set(key(topic, partition), null);
              }
            } else {
              for (const entry of responseSerializer(response) as Entry[]) {
                acknowledged.set(key(entry.topicName, entry.partition), entry);
              }
            }
          } finally {
            await eosManager.releaseBrokerLock(broker);
          }
        }),
      );
      const failed = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failed) throw failed.reason;
    };

    return retrier(async (bail, retryCount, retryTime) => {
      const topics = topicMessages.map(({ topic }: { topic: string }) => topic);
      await cluster.addMultipleTargetTopics(topics);
      try {
        await sendPending();
        return [...acknowledged.values()].filter((entry) => entry !== null);
      } catch (e: any) {
        if (e.name === 'KafkaJSConnectionClosedError') {
          cluster.removeBroker({ host: e.host, port: e.port });
        }
        if (!cluster.isConnected()) {
          logger.debug(`Cluster has disconnected, reconnecting: ${e.message}`, {
            retryCount,
            retryTime,
          });
          await cluster.connect();
          await cluster.refreshMetadata();
          throw e;
        }
        if (
          staleMetadata(e) ||
          e.name === 'KafkaJSMetadataNotLoaded' ||
          e.name === 'KafkaJSConnectionError' ||
          e.name === 'KafkaJSConnectionClosedError' ||
          (e.name === 'KafkaJSProtocolError' && e.retriable)
        ) {
          logger.error(`Failed to send messages: ${e.message}`, { retryCount, retryTime });
          await cluster.refreshMetadata();
          throw e;
        }
        logger.error(`${e.message}`, { retryCount, retryTime });
        if (e.retriable) throw e;
        bail(e);
      }
    });
  };
}
