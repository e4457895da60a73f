// Checkpoint files: one per dataset + topic, written atomically, throttled, damaged files
// reported in one line.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  checkpointFile,
  CheckpointWriter,
  readCheckpoint,
  writeCheckpointAtomically,
  type Checkpoint,
} from '../../main/producer/checkpointStore';
import { InputError } from '../../main/shared/errors';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ps-checkpoint-'));
  dirs.push(dir);
  return dir;
}

function checkpoint(nextPosition: number): Checkpoint {
  return {
    version: 1,
    dataset: '/data/parking.parquet',
    topic: 'parking',
    order: { offset: 0, limit: null, shuffle: false, seed: null },
    rowsTotal: 1000,
    nextPosition,
    slice: { firstRow: nextPosition, position: nextPosition },
    scanFrom: { '0': '10', '1': '12' },
    complete: false,
    updatedAt: new Date(0).toISOString(),
  };
}

describe('checkpoint files', () => {
  it('are keyed by dataset path and topic', () => {
    const a = checkpointFile('/cp', '/data/a.parquet', 't1');
    assert.equal(path.dirname(a), '/cp');
    assert.equal(checkpointFile('/cp', '/data/../data/a.parquet', 't1'), a);
    assert.notEqual(checkpointFile('/cp', '/data/a.parquet', 't2'), a);
    assert.notEqual(checkpointFile('/cp', '/data/b.parquet', 't1'), a);
  });

  it('round-trip and leave no temporary file behind', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'nested', 'cp.json');
    assert.equal(await readCheckpoint(file), null);
    await writeCheckpointAtomically(file, checkpoint(42));
    assert.deepEqual(await readCheckpoint(file), checkpoint(42));
    assert.deepEqual(await readdir(path.dirname(file)), ['cp.json']);
  });

  it('report a damaged file in one line that says what to do', async () => {
    const file = path.join(await tempDir(), 'cp.json');
    await writeFile(file, '{"version": 1, "nextPos');
    await assert.rejects(
      readCheckpoint(file),
      (error: unknown) =>
        error instanceof InputError &&
        /delete it/.test(error.message) &&
        !error.message.includes('\n'),
    );
  });
});

describe('CheckpointWriter', () => {
  it('writes the newest offer, at most once per interval, and everything on flush', async () => {
    const file = path.join(await tempDir(), 'cp.json');
    const writer = new CheckpointWriter(file, 60_000);
    writer.offer(checkpoint(1)); // first write is due at once
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await readCheckpoint(file))?.nextPosition, 1);
    writer.offer(checkpoint(2));
    writer.offer(checkpoint(3));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await readCheckpoint(file))?.nextPosition, 1, 'throttled');
    await writer.flush();
    assert.equal(JSON.parse(await readFile(file, 'utf8')).nextPosition, 3);
  });

  it('surfaces a failed write on flush', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'blocker'), 'a file where a folder should be');
    const writer = new CheckpointWriter(path.join(dir, 'blocker', 'cp.json'));
    writer.offer(checkpoint(1));
    await assert.rejects(writer.flush());
  });
});
