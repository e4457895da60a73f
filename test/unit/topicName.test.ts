// The one topic-name rule: Kafka's legal names minus its internal "__" topics, with the same
// one-line message from the CLI's checks, the app's API schema and the worker's flags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { streamConfigSchema } from '../../main/api/contract';
import { createTopic, ensureTopic } from '../../main/broker/topicAdmin';
import { InputError } from '../../main/shared/errors';
import { checkTopicName, topicNameProblem } from '../../main/shared/topicName';
import { addWorkerOptions, workerOptionsFrom } from '../../main/worker/workerOptions';

const RESERVED =
  '"__consumer_offsets" is reserved: names starting with "__" are Kafka\'s internal topics — choose another name';

test('names starting with __ are refused, with why and what to do', () => {
  assert.equal(topicNameProblem('__consumer_offsets'), RESERVED);
  assert.equal(
    topicNameProblem('__x'),
    '"__x" is reserved: names starting with "__" are Kafka\'s internal topics — choose another name',
  );
  assert.throws(
    () => checkTopicName('__consumer_offsets', '--topic'),
    (error: unknown) => error instanceof InputError && error.message === `--topic: ${RESERVED}`,
  );
});

test("Kafka's own limits keep their messages; ordinary names pass", () => {
  assert.equal(topicNameProblem(''), 'topic name is empty');
  assert.equal(topicNameProblem('a'.repeat(250)), 'topic name is longer than 249 characters');
  assert.equal(
    topicNameProblem('bad topic'),
    'topic names may use letters, digits, ".", "_" and "-" only',
  );
  assert.equal(topicNameProblem('..'), 'a topic cannot be named "." or ".."');
  for (const name of ['parking', 'a', '_single', 'x__y', 'a.b-c_d', 'a'.repeat(249)]) {
    assert.equal(topicNameProblem(name), null, name);
  }
});

test("the app's API refuses an internal topic before the engine sees it", () => {
  const parsed = streamConfigSchema.safeParse({
    path: '/data/a.parquet',
    inputTopic: 'parking',
    outputTopic: '__transaction_state',
    partitions: 4,
    workers: 2,
    ratePerSecond: null,
  });
  assert.equal(parsed.success, false);
  assert.deepEqual(
    parsed.error?.issues.map((issue) => [issue.path.join('.'), issue.message]),
    [
      [
        'outputTopic',
        '"__transaction_state" is reserved: names starting with "__" are Kafka\'s internal topics — choose another name',
      ],
    ],
  );
});

test("the worker's --input and --output follow the same rule", () => {
  const command = addWorkerOptions(new Command('worker')).exitOverride();
  command.parse(
    [
      '--brokers',
      '127.0.0.1:9092',
      '--group',
      'app',
      '--input',
      '__consumer_offsets',
      '--output',
      'out',
      '--data-dir',
      'w1',
      '--web-port',
      '0',
    ],
    { from: 'user' },
  );
  assert.throws(
    () => workerOptionsFrom(command.opts()),
    (error: unknown) => error instanceof InputError && error.message === `--input: ${RESERVED}`,
  );
});

test('topic administration refuses before it connects (no broker at this address)', async () => {
  const nowhere = ['127.0.0.1:1'];
  for (const create of [createTopic, ensureTopic]) {
    await assert.rejects(
      create(nowhere, { topic: '__consumer_offsets', partitions: 1 }),
      (error: unknown) =>
        error instanceof InputError && error.message === `topic name: ${RESERVED}`,
    );
  }
});
