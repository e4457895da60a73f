// The desktop app's password store over a hand-written stand-in for Electron's safeStorage: what
// reaches the disk is the encryption's output, never the password; without a keychain nothing
// is saved and the note says so in one line.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { safeStorageSecrets, type SafeStorageLike } from '../../main/shell/safeStorageSecrets';

const PASSWORD = 'correct horse battery staple';

/** A stand-in "encryption": the text's bytes reversed and each XORed with 0x5a, after a tag. */
function fakeSafeStorage(available: boolean, backend?: string): SafeStorageLike {
  const scramble = (bytes: Buffer) => Buffer.from([...bytes].reverse().map((b) => b ^ 0x5a));
  return {
    isEncryptionAvailable: () => available,
    encryptString: (text) => Buffer.concat([Buffer.from('v10'), scramble(Buffer.from(text))]),
    decryptString: (data) => {
      if (data.subarray(0, 3).toString() !== 'v10') throw new Error('not encrypted by this');
      return scramble(data.subarray(3)).toString('utf8');
    },
    ...(backend ? { getSelectedStorageBackend: () => backend } : {}),
  };
}

function withDir(run: (dir: string) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ps-secrets-'));
    try {
      await run(path.join(dir, 'settings'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'the file holds the encrypted bytes, not the password; loading decrypts it back',
  withDir(async (dir) => {
    const store = safeStorageSecrets(fakeSafeStorage(true), dir);
    assert.equal(await store.save('cluster-password', PASSWORD), true);
    assert.deepEqual(readdirSync(dir), ['cluster-password.secret']);
    const bytes = readFileSync(path.join(dir, 'cluster-password.secret'));
    assert.equal(bytes.includes(Buffer.from(PASSWORD)), false);
    assert.equal(bytes.includes(Buffer.from('battery')), false);
    assert.equal(await store.load('cluster-password'), PASSWORD);
    assert.match(store.note(), /saved encrypted/);
    await store.remove('cluster-password');
    assert.equal(await store.load('cluster-password'), undefined);
  }),
);

test(
  'without encryption (none, or Linux basic_text) nothing is saved and the note says so',
  withDir(async (dir) => {
    for (const safeStorage of [fakeSafeStorage(false), fakeSafeStorage(true, 'basic_text')]) {
      const store = safeStorageSecrets(safeStorage, dir);
      assert.equal(await store.save('cluster-password', PASSWORD), false);
      assert.equal(existsSync(dir) && readdirSync(dir).length > 0, false);
      assert.equal(await store.load('cluster-password'), undefined);
      assert.match(store.note(), /^the password is not saved: .* type it each time/);
      assert.equal(store.note().includes('\n'), false);
    }
  }),
);

test(
  'a password saved while a keychain worked is removed when saving finds none',
  withDir(async (dir) => {
    await safeStorageSecrets(fakeSafeStorage(true), dir).save('cluster-password', PASSWORD);
    await safeStorageSecrets(fakeSafeStorage(false), dir).save('cluster-password', PASSWORD);
    assert.deepEqual(readdirSync(dir), []);
  }),
);
