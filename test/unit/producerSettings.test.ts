// The producer's settings have one schema: the `produce` flags parse into the settings the
// app's stream config holds, produceArguments is their exact inverse, and errors about a
// setting carry its field (the form marks it) while their text names the CLI flag.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { it } from 'node:test';
import { Command } from 'commander';
import { streamConfigSchema } from '../../main/api/contract';
import { slurmSettingsSchema } from '../../main/cluster/slurm/slurmSettings';
import { readCheckpoint } from '../../main/producer/checkpointStore';
import { createPartitioner } from '../../main/producer/partitioners';
import {
  addProducerSettingFlags,
  produceArguments,
  producerSettingsFromFlags,
} from '../../main/producer/producerFlags';
import { PRODUCER_FLAGS, type ProducerSettings } from '../../main/producer/producerSettings';
import { InputError } from '../../main/shared/errors';

function parseFlags(args: string[]): ProducerSettings {
  const command = addProducerSettingFlags(new Command().exitOverride());
  command.parse(args, { from: 'user' });
  return producerSettingsFromFlags(command.opts());
}

it('reads every setting from its flag, and produceArguments gives the same settings back', () => {
  const settings: ProducerSettings = {
    ratePerSecond: 2500,
    keyColumn: 'Plate ID',
    partitioner: 'modulo',
    replayColumn: 'Issue Date',
    speed: 60,
    shuffle: true,
    seed: 7,
    offset: 10,
    limit: 500,
    timestamps: 'epoch-ms',
    resume: true,
  };
  const args = produceArguments(settings);
  assert.deepEqual(args.slice(0, 4), ['--rate', '2500', '--key', 'Plate ID']);
  assert.deepEqual(parseFlags(args), settings);
  assert.deepEqual(parseFlags([]), { ratePerSecond: null });
  assert.deepEqual(produceArguments({ ratePerSecond: null, shuffle: false }), []);
});

it('has one flag per stream-config setting', () => {
  // the stream's own settings and the workers' (transform, where they run) are not the producer's
  const streamOnly = [
    ...['path', 'inputTopic', 'outputTopic', 'partitions', 'workers', 'transform'],
    ...Object.keys(slurmSettingsSchema.shape),
  ];
  const settings = Object.keys(streamConfigSchema.shape).filter((k) => !streamOnly.includes(k));
  assert.deepEqual(settings.sort(), Object.keys(PRODUCER_FLAGS).sort());
});

function thrown(work: () => unknown): InputError {
  try {
    work();
  } catch (error) {
    assert.ok(error instanceof InputError, String(error));
    return error;
  }
  assert.fail('nothing was thrown');
}

it('names the flag in the message and the setting in the field', () => {
  const limit = thrown(() => parseFlags(['--limit', '0']));
  assert.equal(limit.field, 'limit');
  assert.match(limit.message, /^--limit: /);
  const rate = thrown(() => parseFlags(['--rate', 'fast']));
  assert.deepEqual(
    [rate.field, rate.message],
    ['ratePerSecond', '--rate takes a number above 0 (got "fast")'],
  );

  const modulo = thrown(() => createPartitioner('modulo', 3)('x', 3));
  assert.equal(modulo.field, 'partitioner');
  assert.match(modulo.message, /^--partitioner modulo needs whole-number keys, but row 3/);
});

it('marks a damaged checkpoint as a --resume problem', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ps-settings-'));
  try {
    const file = path.join(dir, 'cp.json');
    await writeFile(file, '{ not json');
    const error = await readCheckpoint(file).then(
      () => assert.fail('a damaged checkpoint was read'),
      (failure: unknown) => failure as InputError,
    );
    assert.equal(error.field, 'resume');
    assert.match(error.message, /is damaged .* produce without --resume$/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
