// The stream form's "Run workers on" choice → startStream arguments: this machine adds no key,
// the SLURM cluster adds workersOn and the SLURM options typed (empty ones left to the defaults),
// and a wrong option's error lands on its own field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  configFieldsOf,
  initialStreamForm,
  streamConfigOf,
  streamFormErrors,
} from '../../renderer/forms/streamForm';

const dataset = { path: '/data/parking.parquet', fields: [] };
const blank = initialStreamForm('parking', 'by-borough');
const slurm = { ...blank, workersOn: 'slurm' as const };

test('this machine adds nothing; the SLURM cluster adds its options as typed', () => {
  const local = streamConfigOf({ ...blank, slurmPartition: 'short' }, dataset, 2);
  assert.deepEqual(
    Object.keys(local).filter((key) => key.startsWith('slurm') || key === 'workersOn'),
    [],
  );
  const config = streamConfigOf(
    { ...slurm, slurmPartition: ' short ', slurmTime: '2:00:00', slurmWebPortBase: '7100' },
    dataset,
    2,
  );
  assert.equal(config.workersOn, 'slurm');
  assert.equal(config.slurmPartition, 'short');
  assert.equal(config.slurmTime, '2:00:00');
  assert.equal(config.slurmWebPortBase, 7100);
  assert.equal('slurmDataDirPattern' in config, false);
});

test("a wrong SLURM option's error is on its field, and choosing again clears them", () => {
  const bad = { ...slurm, slurmDataDirPattern: '/scratch/ps', slurmWebPortBase: 'x' };
  const errors = streamFormErrors(bad, streamConfigOf(bad, dataset, 1));
  assert.match(errors.slurmDataDirPattern!, /add %a/);
  assert.ok(errors.slurmWebPortBase);
  assert.deepEqual(Object.keys(errors).sort(), ['slurmDataDirPattern', 'slurmWebPortBase']);
  assert.ok(configFieldsOf('workersOn').includes('slurmDataDirPattern'));
});
