// retryRetriable: retries only errors Kafka marks retriable, and only until its deadline.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryRetriable } from '../../main/broker/retryRetriable';

const retriable = () => Object.assign(new Error('not the leader'), { retriable: true });

test('retries a retriable error until the call succeeds', async () => {
  let calls = 0;
  const value = await retryRetriable(
    async () => {
      calls += 1;
      if (calls < 3) throw retriable();
      return 'offsets';
    },
    { delayMs: 1 },
  );
  assert.equal(value, 'offsets');
  assert.equal(calls, 3);
});

test('does not retry other errors', async () => {
  let calls = 0;
  await assert.rejects(
    retryRetriable(async () => {
      calls += 1;
      throw new Error('topic authorization failed');
    }),
    /authorization/,
  );
  assert.equal(calls, 1);
});

test('gives up at the deadline with the last error', async () => {
  await assert.rejects(
    retryRetriable(
      async () => {
        throw retriable();
      },
      { timeoutMs: 20, delayMs: 5 },
    ),
    /not the leader/,
  );
});
