// The stream form → startStream arguments mapping: untouched producer settings add no keys, each
// setting maps to its contract field, pace is exclusive, and errors land on the field that caused
// them (a failed stream's message included).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldInfo } from '../../main/api/contract';
import {
  chosenColumns,
  describeProducerSettings,
  initialStreamForm,
  producerSettingsOf,
  streamConfigOf,
  streamFormErrors,
  streamFormOf,
  streamSettingsOf,
  temporalColumns,
  withPace,
  withRate,
  type StreamForm,
} from '../../renderer/forms/streamForm';

const fields: FieldInfo[] = [
  { name: 'Summons Number', type: 'Int64', nullable: false },
  { name: 'Issue Date', type: 'Timestamp<MILLISECOND>', nullable: false },
  { name: 'Plate ID', type: 'Utf8', nullable: false },
  { name: 'Day', type: 'Date32<DAY>', nullable: true },
  { name: 'Clock', type: 'Time32<MILLISECOND>', nullable: true },
];
const dataset = { path: '/data/a.parquet', fields };
const blank = initialStreamForm('in', 'out');

test('an untouched form gives exactly the arguments the form always sent', () => {
  const config = streamConfigOf(blank, dataset, 2);
  assert.deepEqual(config, {
    path: '/data/a.parquet',
    inputTopic: 'in',
    outputTopic: 'out',
    partitions: 4,
    workers: 2,
    ratePerSecond: null,
  });
  assert.deepEqual(streamFormErrors(blank, config), {});
  assert.equal(describeProducerSettings(producerSettingsOf(blank, fields)), 'defaults');
});

test('every producer setting maps to its contract field', () => {
  const form: StreamForm = {
    ...blank,
    inputTopic: ' in ',
    keyColumn: 'Summons Number',
    partitioner: 'modulo',
    shuffle: true,
    seed: '7',
    offset: '100',
    limit: '500',
    timestamps: 'epoch-ms',
    resume: true,
  };
  const config = streamConfigOf(form, dataset, 0);
  assert.deepEqual(config, {
    path: '/data/a.parquet',
    inputTopic: 'in',
    outputTopic: 'out',
    partitions: 4,
    workers: 0,
    ratePerSecond: null,
    keyColumn: 'Summons Number',
    partitioner: 'modulo',
    shuffle: true,
    seed: 7,
    offset: 100,
    limit: 500,
    timestamps: 'epoch-ms',
    resume: true,
  });
  assert.deepEqual(streamFormErrors(form, config), {});
  assert.equal(
    describeProducerSettings(producerSettingsOf(form, fields)),
    'key Summons Number · modulo · shuffled (seed 7) · skip 100 · limit 500 · ' +
      'epoch-ms timestamps · resume',
  );
});

test('a seed counts only when shuffling; default choices and empty fields add nothing', () => {
  const config = streamConfigOf({ ...blank, seed: '7', speed: '3', offset: ' ' }, dataset, 1);
  assert.equal('seed' in config, false);
  assert.equal('speed' in config, false);
  assert.equal('offset' in config, false);
  assert.equal('partitioner' in config, false);
  assert.equal('timestamps' in config, false);
  const roundRobin = streamConfigOf({ ...blank, partitioner: 'round-robin' }, dataset, 1);
  assert.equal(roundRobin.partitioner, 'round-robin');
});

test('pace is one choice: a rate, or replay by a timestamp column with a speed', () => {
  const rated = withRate(blank, '250');
  assert.equal(rated.pace, 'rate');
  assert.equal(streamConfigOf(rated, dataset, 1).ratePerSecond, 250);
  assert.equal(withRate(rated, '').pace, 'unthrottled');
  assert.equal(withPace(rated, 'unthrottled').rate, '', 'as fast as possible clears the rate');

  const replay = withPace(rated, 'replay');
  assert.equal(withRate(replay, '9'), replay, 'the rate field is locked while replaying');
  const config = streamConfigOf({ ...replay, speed: '2' }, dataset, 1);
  assert.equal(config.ratePerSecond, null);
  assert.equal(config.replayColumn, 'Issue Date', 'the first timestamp column by default');
  assert.equal(config.speed, 2);
  assert.equal(streamConfigOf({ ...replay, replayColumn: 'Day' }, dataset, 1).replayColumn, 'Day');
  assert.equal(
    describeProducerSettings(producerSettingsOf({ ...replay, speed: '2' }, fields)),
    'replay by Issue Date ×2',
  );
});

test('only timestamp and date columns can be replayed; vanished choices fall back', () => {
  assert.deepEqual(temporalColumns(fields), ['Issue Date', 'Day']);
  const stale = { ...blank, keyColumn: 'Gone', replayColumn: 'Plate ID' };
  assert.deepEqual(chosenColumns(stale, fields), { keyColumn: '', replayColumn: 'Issue Date' });
  assert.deepEqual(chosenColumns(stale, []), { keyColumn: '', replayColumn: '' });
});

test('errors are reported on the field that caused them', () => {
  const bad: StreamForm = { ...blank, limit: '0', offset: '-1', seed: '1.5', shuffle: true };
  const errors = streamFormErrors(bad, streamConfigOf(bad, dataset, 1));
  assert.deepEqual(Object.keys(errors).sort(), ['limit', 'offset', 'seed']);

  const rateless = withPace(blank, 'rate');
  assert.match(
    streamFormErrors(rateless, streamConfigOf(rateless, dataset, 1)).ratePerSecond!,
    /rows per second/,
  );

  const noTimes = { path: '/data/b.parquet', fields: [fields[0]!] };
  const replay = withPace(blank, 'replay');
  assert.match(
    streamFormErrors(replay, streamConfigOf(replay, noTimes, 1)).replayColumn!,
    /no timestamp or date column/,
  );

  const speedless = { ...replay, speed: '0' };
  assert.ok(streamFormErrors(speedless, streamConfigOf(speedless, dataset, 1)).speed);
});

test('saved stream settings give back the form they were saved from', () => {
  const forms: StreamForm[] = [
    blank,
    {
      ...blank,
      partitions: '8',
      pace: 'rate',
      rate: '500',
      keyColumn: 'Plate ID',
      partitioner: 'modulo',
      shuffle: true,
      seed: '7',
      offset: '10',
      limit: '1000',
      timestamps: 'epoch-ms',
      resume: true,
    },
    { ...blank, pace: 'replay', replayColumn: 'Day', speed: '60' },
  ];
  for (const form of forms) {
    const saved = streamSettingsOf(form, dataset);
    assert.equal('path' in saved || 'workers' in saved, false, 'kept apart from the form');
    assert.deepEqual(streamFormOf(saved), form);
  }
  assert.deepEqual(streamSettingsOf(forms[1]!, dataset), {
    inputTopic: 'in',
    outputTopic: 'out',
    partitions: 8,
    ratePerSecond: 500,
    keyColumn: 'Plate ID',
    partitioner: 'modulo',
    shuffle: true,
    seed: 7,
    offset: 10,
    limit: 1000,
    timestamps: 'epoch-ms',
    resume: true,
  });
});
