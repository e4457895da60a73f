// Creating a topic on a busy broker: kafkajs' wait for leaders can give up although the topic
// was created; createIn then waits until the topic is listed and answers offsets. A refusal
// Kafka will not change its mind about is reported at once. (A fake admin plays the broker.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin } from 'kafkajs';
import { createIn } from '../../main/broker/topicAdmin';

function fakeAdmin(createError: unknown, listedAfter: number) {
  let lists = 0;
  const admin = {
    createTopics: async () => {
      throw createError;
    },
    listTopics: async () => (++lists > listedAfter ? ['t'] : []),
    fetchTopicOffsets: async () => [{ partition: 0, offset: '0', high: '0', low: '0' }],
  };
  return { admin: admin as unknown as Admin, lists: () => lists };
}

const leaderWaitGaveUp = Object.assign(
  new Error('This server does not host this topic-partition'),
  {
    retriable: true,
  },
);

test('a topic whose leader wait gave up is waited for until it is listed', async () => {
  const { admin, lists } = fakeAdmin(leaderWaitGaveUp, 2);
  await createIn(admin, { topic: 't', partitions: 1 });
  assert.equal(lists(), 3, 'listed on the third look');
});

test('a refusal that is not retriable is reported at once', async () => {
  const refused = Object.assign(new Error('Topic creation errors'), {
    errors: [
      { retriable: false, message: 'Replication factor: 3 larger than available brokers: 1.' },
    ],
  });
  const { admin, lists } = fakeAdmin(refused, 0);
  await assert.rejects(createIn(admin, { topic: 't', partitions: 1 }), {
    message:
      'the cluster refused to create topic "t": Replication factor: 3 larger than available brokers: 1.',
  });
  assert.equal(lists(), 0, 'no waiting');
});
