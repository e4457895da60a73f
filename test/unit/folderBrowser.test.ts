// The dashboard's file browser (listFolder command): folders and *.parquet files under the home
// folder only — `..`, absolute paths elsewhere and symlinks out of it are refused in one line —
// and a folder that cannot be read is one line too. Hand-made temp folders are the oracle.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import * as nodeFs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dispatchCommand } from '../../main/api/commandDispatcher';
import { listFolder } from '../../main/api/folderBrowser';
import { StreamEngine } from '../../main/api/streamEngine';

describe('listFolder', () => {
  let top = '';
  let home = '';
  let outside = '';
  let engine: StreamEngine;
  before(async () => {
    top = await realpath(await mkdtemp(path.join(tmpdir(), 'folder-browser-')));
    home = path.join(top, 'home');
    outside = path.join(top, 'elsewhere');
    await mkdir(path.join(home, 'data', 'parts'), { recursive: true });
    await mkdir(path.join(home, '.cache'), { recursive: true });
    await mkdir(outside, { recursive: true });
    await writeFile(path.join(home, 'trips.parquet'), 'x');
    await writeFile(path.join(home, 'Archive.PARQUET'), 'x');
    await writeFile(path.join(home, 'notes.txt'), 'x');
    await writeFile(path.join(home, '.hidden.parquet'), 'x');
    await writeFile(path.join(home, 'data', 'a.parquet'), 'x');
    await writeFile(path.join(outside, 'secret.parquet'), 'x');
    await symlink(outside, path.join(home, 'link-out'));
    await symlink(path.join(home, 'data'), path.join(home, 'link-in'));
    engine = new StreamEngine({
      appDataDir: path.join(top, 'app'),
      brokers: ['127.0.0.1:1'],
      autoStartBroker: false,
      homeDir: home,
    });
  });
  after(async () => {
    await engine.close();
    await rm(top, { recursive: true, force: true });
  });

  it('lists folders first, then *.parquet files, hidden entries and other files left out', async () => {
    const listing = await listFolder(home, undefined);
    assert.equal(listing.path, home);
    assert.equal(listing.parent, null, 'nothing above the home folder');
    assert.deepEqual(
      listing.entries.map((entry) => [entry.name, entry.kind]),
      [
        ['data', 'folder'],
        ['link-in', 'folder'],
        ['link-out', 'folder'],
        ['Archive.PARQUET', 'parquet'],
        ['trips.parquet', 'parquet'],
      ],
    );
    assert.equal(listing.entries[4]!.path, path.join(home, 'trips.parquet'));
    assert.equal(listing.truncated, false);
  });

  it('lists a sub-folder, relative to home or absolute, with its parent', async () => {
    for (const asked of ['data', path.join(home, 'data'), '~/data']) {
      const listing = await listFolder(home, asked);
      assert.equal(listing.path, path.join(home, 'data'));
      assert.equal(listing.parent, home);
      assert.deepEqual(
        listing.entries.map((entry) => entry.name),
        ['parts', 'a.parquet'],
      );
    }
  });

  it('lists the folder holding a file, so the browser opens where the dataset lies', async () => {
    const listing = await listFolder(home, path.join(home, 'data', 'a.parquet'));
    assert.equal(listing.path, path.join(home, 'data'));
  });

  it('refuses every path that leads out of the home folder', async () => {
    for (const asked of ['..', '../elsewhere', 'data/../../elsewhere', outside, '/', 'link-out']) {
      await assert.rejects(listFolder(home, asked), (error: Error) => {
        assert.match(error.message, / is outside your home folder /, asked);
        assert.doesNotMatch(error.message, /\n/);
        return true;
      });
    }
  });

  it('follows a link that stays inside the home folder', async () => {
    const listing = await listFolder(home, 'link-in');
    assert.equal(listing.path, path.join(home, 'data'));
  });

  it('says in one line when a folder is missing or cannot be read', async () => {
    await assert.rejects(listFolder(home, 'nope'), {
      message: `cannot open folder ${path.join(home, 'nope')}: it does not exist — choose another folder`,
    });
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const unreadable = {
      realpath: nodeFs.realpath,
      stat: nodeFs.stat,
      readdir: async () => {
        throw denied;
      },
    };
    await assert.rejects(listFolder(home, 'data', unreadable), {
      message: `cannot read folder ${path.join(home, 'data')}: permission denied — choose another folder`,
    });
  });

  it('is the engine command listFolder, confined to the engine’s home folder', async () => {
    const listed = await dispatchCommand(engine, 'listFolder', { path: 'data' });
    assert.ok(listed.ok, JSON.stringify(listed));
    const refused = await dispatchCommand(engine, 'listFolder', { path: outside });
    assert.deepEqual(refused, {
      ok: false,
      error: `${outside} is outside your home folder ${home} — the file browser lists only folders under it`,
    });
  });
});
