// The `parquet-streamer` command as a user runs it: topic commands against the test broker (a
// grown topic's partitions counted by an independent client, Debian's kcat), --help on every
// command, and one-line errors: exit code 2 for a wrong command, 1 when the cluster cannot be
// reached.
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Command } from 'commander';
import { buildProgram } from '../../main/cli/main';
import { testBrokers, uniqueName } from '../support/testBroker';

const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'parquet-streamer.js');

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The topic's partition ids as kcat's metadata listing reports them. */
function kcatPartitions(brokers: string, topic: string): number[] {
  const listing = spawnSync('kcat', ['-L', '-J', '-b', brokers, '-t', topic], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(listing.status, 0, listing.stderr);
  const metadata = JSON.parse(listing.stdout) as {
    topics: { topic: string; partitions: { partition: number }[] }[];
  };
  const found = metadata.topics.find((entry) => entry.topic === topic);
  assert.ok(found, `kcat does not list ${topic}`);
  return found.partitions.map((entry) => entry.partition).sort((a, b) => a - b);
}

test('topic create, list and describe against the broker', () => {
  const brokers = testBrokers().join(',');
  const topic = uniqueName('cli');
  const created = cli('topic', 'create', topic, '--partitions', '4', '--brokers', brokers);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, new RegExp(`created topic ${topic} with 4 partitions`));
  assert.match(cli('topic', 'list', '--brokers', brokers).stdout, new RegExp(`^${topic}$`, 'm'));
  const described = cli('topic', 'describe', topic, '--brokers', brokers, '--json');
  assert.equal(described.code, 0, described.stderr);
  const description = JSON.parse(described.stdout);
  assert.deepEqual(
    description.partitions.map((p: { partition: number }) => p.partition),
    [0, 1, 2, 3],
  );
  assert.ok(description.partitions.every((p: { latestOffset: string }) => p.latestOffset === '0'));
  const grown = cli('topic', 'add-partitions', topic, '--partitions', '6', '--brokers', brokers);
  assert.equal(grown.code, 0, grown.stderr);
  // the broker learns of new partitions from its controller a moment later: ask a few times
  let partitions = kcatPartitions(brokers, topic);
  for (let tries = 0; partitions.length < 6 && tries < 20; tries++) {
    spawnSync('sleep', ['0.25']);
    partitions = kcatPartitions(brokers, topic);
  }
  assert.deepEqual(partitions, [0, 1, 2, 3, 4, 5]);
  const redescribed = cli('topic', 'describe', topic, '--brokers', brokers, '--json');
  assert.equal(JSON.parse(redescribed.stdout).partitions.length, 6);
});

test('user mistakes give one line on stderr and exit codes 2 and 1', () => {
  const brokers = testBrokers().join(',');
  const missing = cli('topic', 'describe', uniqueName('absent'), '--brokers', brokers);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^error: topic "absent-[0-9a-f]+" does not exist — create it with/);
  assert.equal(missing.stderr.trim().split('\n').length, 1);
  const badNumber = cli('topic', 'create', 'x', '--partitions', 'four', '--brokers', brokers);
  assert.equal(badNumber.code, 2);
  assert.equal(badNumber.stderr.trim(), 'error: --partitions takes a whole number (got "four")');
  const unreachable = cli('topic', 'list', '--brokers', '127.0.0.1:1');
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr.trim(), /^error: broker at 127\.0\.0\.1:1 is not reachable/);
});

test('every command has a description and answers --help', () => {
  const walk = (command: Command, trail: string[]): string[][] =>
    command.commands.flatMap((sub) => [
      [...trail, sub.name()],
      ...walk(sub, [...trail, sub.name()]),
    ]);
  const commands = walk(buildProgram(), []);
  assert.ok(commands.length >= 7);
  for (const trail of commands) {
    const help = cli(...trail, '--help');
    assert.equal(help.code, 0, `${trail.join(' ')} --help`);
    assert.match(help.stdout, /^Usage: parquet-streamer /);
  }
});
