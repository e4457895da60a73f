// ensureTopic and partitionCount against the broker: create, grow, never shrink.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ensureTopic, partitionCount } from '../../main/broker/topicAdmin';
import { InputError } from '../../main/shared/errors';
import { testBrokers, uniqueName } from '../support/testBroker';

test('ensureTopic creates a topic, grows it, and leaves a larger one as it is', async () => {
  const brokers = testBrokers();
  const topic = uniqueName('ensure');
  assert.equal(await ensureTopic(brokers, { topic, partitions: 2 }), 2);
  assert.equal(await partitionCount(brokers, topic), 2);
  assert.equal(await ensureTopic(brokers, { topic, partitions: 4 }), 4);
  assert.equal(await partitionCount(brokers, topic), 4);
  assert.equal(await ensureTopic(brokers, { topic, partitions: 1 }), 4);
  assert.equal(await partitionCount(brokers, topic), 4);
});

test('partitionCount names a missing topic', async () => {
  const topic = uniqueName('missing');
  await assert.rejects(partitionCount(testBrokers(), topic), (error: Error) => {
    assert.ok(error instanceof InputError);
    assert.match(error.message, new RegExp(`^topic "${topic}" does not exist`));
    return true;
  });
});
