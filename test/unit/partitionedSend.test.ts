// The producer's send retries per partition: when a broker is lost and its partition's
// leadership moves to a broker that already answered for another partition, the retry still
// sends the moved partition, with the sequence number it had. kafkajs' internals are stood in
// for by a two-broker cluster written out here; the leader change is the test's own script.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPartitionedSend } from '../../main/broker/partitionedSend';

interface Entry {
  partition: number;
  firstSequence: number;
  messages: { value: string }[];
}

interface Call {
  nodeId: number;
  partitions: { partition: number; firstSequence: number; rows: string[] }[];
}

function lostBrokerCluster() {
  const calls: Call[] = [];
  let leaders: Record<number, number> = { 0: 1, 1: 2 };
  let brokerOneAlive = true;
  const sequences = new Map<number, number>();
  const broker = (nodeId: number) => ({
    nodeId,
    async produce({ topicData }: { topicData: { topic: string; partitions: Entry[] }[] }) {
      calls.push({
        nodeId,
        partitions: topicData[0]!.partitions.map((entry) => ({
          partition: Number(entry.partition),
          firstSequence: entry.firstSequence,
          rows: entry.messages.map((message) => message.value),
        })),
      });
      if (nodeId === 1 && brokerOneAlive) {
        brokerOneAlive = false;
        throw Object.assign(new Error('Connection error: read ECONNRESET'), {
          name: 'KafkaJSConnectionError',
        });
      }
      return {
        topics: topicData.map(({ topic, partitions }) => ({
          topicName: topic,
          partitions: partitions.map((entry) => ({
            partition: entry.partition,
            errorCode: 0,
            baseOffset: '0',
          })),
        })),
      };
    },
  });
  const brokers = { 1: broker(1), 2: broker(2) } as Record<number, ReturnType<typeof broker>>;
  const cluster = {
    refreshMetadataIfNecessary: async () => undefined,
    // the controller moved partition 0 to node 2 once node 1 was gone
    refreshMetadata: async () => {
      if (!brokerOneAlive) leaders = { 0: 2, 1: 2 };
    },
    addMultipleTargetTopics: async () => undefined,
    isConnected: () => true,
    removeBroker: () => undefined,
    findTopicPartitionMetadata: () =>
      [0, 1].map((partitionId) => ({ partitionId, leader: leaders[partitionId] })),
    findLeaderForPartitions: (_topic: string, partitions: number[]) => {
      const result: Record<number, number[]> = {};
      for (const partition of partitions) (result[leaders[partition]!] ??= []).push(partition);
      return result;
    },
    findBroker: async ({ nodeId }: { nodeId: number }) => brokers[nodeId],
  };
  const eosManager = {
    isTransactional: () => false,
    acquireBrokerLock: async () => undefined,
    releaseBrokerLock: async () => undefined,
    getProducerId: () => 7,
    getProducerEpoch: () => 0,
    getSequence: (_topic: string, partition: number) => sequences.get(partition) ?? 0,
    updateSequence: (_topic: string, partition: number, delta: number) =>
      sequences.set(partition, (sequences.get(partition) ?? 0) + delta),
  };
  const retrier = async (work: (bail: (error: Error) => void) => Promise<unknown>) => {
    let bailed: Error | null = null;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      try {
        const result = await work((error) => (bailed = error));
        if (bailed) throw bailed;
        return result;
      } catch (error) {
        if (bailed) throw error;
      }
    }
    throw new Error('retries ran out');
  };
  const logger = { debug: () => undefined, error: () => undefined };
  const send = createPartitionedSend({
    logger,
    cluster,
    partitioner: ({ message }: { message: { partition: number } }) => message.partition,
    eosManager,
    retrier,
  } as never);
  return { send, calls, sequences };
}

test('a partition whose leader moved to a broker that had answered is sent again there', async () => {
  const { send, calls, sequences } = lostBrokerCluster();
  const messages = [
    { partition: 0, value: 'a' },
    { partition: 1, value: 'b' },
    { partition: 0, value: 'c' },
  ];
  const result = await send({ acks: -1, timeout: 1000, topicMessages: [{ topic: 't', messages }] });

  const byNode = (nodeId: number) => calls.filter((call) => call.nodeId === nodeId);
  assert.deepEqual(byNode(1), [
    { nodeId: 1, partitions: [{ partition: 0, firstSequence: 0, rows: ['a', 'c'] }] },
  ]);
  assert.deepEqual(byNode(2), [
    { nodeId: 2, partitions: [{ partition: 1, firstSequence: 0, rows: ['b'] }] },
    // the retry: partition 0 again, same rows, same sequence (a landed batch is a duplicate)
    { nodeId: 2, partitions: [{ partition: 0, firstSequence: 0, rows: ['a', 'c'] }] },
  ]);
  assert.deepEqual(
    (result as { partition: number }[]).map((entry) => entry.partition).sort(),
    [0, 1],
  );
  assert.deepEqual([...sequences].sort(), [
    [0, 2],
    [1, 1],
  ]);
});
