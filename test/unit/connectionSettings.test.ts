// "Use this cluster" over the engine (no broker needed: switching connects nothing until the next
// stream): the process's security and the engine's brokers change, the settings are saved, and
// no file in the app's data folder holds the password in clear text — neither in the desktop
// app (its password encrypted by a stand-in keychain) nor in the dashboard (password not saved).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { BrokerConnection } from '../../main/api/brokerConnection';
import { StreamEngine } from '../../main/api/streamEngine';
import { clusterSecurity, useClusterSecurity } from '../../main/broker/clusterSecurity';
import { createLogger } from '../../main/shared/logger';
import { safeStorageSecrets } from '../../main/shell/safeStorageSecrets';
import { settingsDir } from '../../main/storage/appStorage';

const PASSWORD = 'Tr0ub4dor&3-in-clear';
const FORM = {
  bootstrapServers: 'b1.example.com:9093,b2.example.com:9093',
  securityProtocol: 'SASL_SSL' as const,
  saslMechanism: 'SCRAM-SHA-512' as const,
  username: 'ana',
  password: PASSWORD,
  caFile: '',
};

/** Every file under `dir` that holds `text`, as paths relative to `dir`. */
function filesHolding(dir: string, text: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => readFileSync(file).includes(Buffer.from(text)))
    .map((file) => path.relative(dir, file));
}

const keychain = {
  isEncryptionAvailable: () => true,
  encryptString: (text: string) => Buffer.from(Buffer.from(text, 'utf8').map((b) => b ^ 0xa5)),
  decryptString: (data: Buffer) => Buffer.from(data.map((b) => b ^ 0xa5)).toString('utf8'),
};

async function useCluster(desktop: boolean) {
  const appDataDir = mkdtempSync(path.join(os.tmpdir(), 'ps-connection-'));
  const engine = new StreamEngine({
    appDataDir,
    autoStartBroker: false,
    logger: createLogger('test', () => undefined),
    ...(desktop ? { secrets: safeStorageSecrets(keychain, settingsDir(appDataDir)) } : {}),
  });
  const status = await engine.handlers.useCluster(FORM);
  const saved = await engine.handlers.savedConnection({});
  return { appDataDir, engine, status, saved };
}

for (const desktop of [true, false]) {
  test(`${desktop ? 'desktop' : 'dashboard'}: the next streams use the cluster; no file holds the password`, async () => {
    const { appDataDir, engine, status, saved } = await useCluster(desktop);
    try {
      assert.deepEqual(status.brokers, ['b1.example.com:9093', 'b2.example.com:9093']);
      assert.equal(status.state, 'external');
      assert.deepEqual(clusterSecurity().sasl, {
        mechanism: 'SCRAM-SHA-512',
        username: 'ana',
        password: PASSWORD,
      });
      assert.deepEqual(saved.connection, {
        bootstrapServers: FORM.bootstrapServers,
        securityProtocol: 'SASL_SSL',
        saslMechanism: 'SCRAM-SHA-512',
        username: 'ana',
        caFile: '',
      });
      assert.equal(saved.external, true);
      assert.equal(saved.passwordSaved, desktop);
      assert.match(saved.passwordNote, desktop ? /saved encrypted/ : /does not save passwords/);
      assert.deepEqual(filesHolding(appDataDir, PASSWORD), []);
      assert.deepEqual(filesHolding(appDataDir, 'ana'), ['settings/connection.json']);
    } finally {
      useClusterSecurity({ protocol: 'PLAINTEXT' });
      await engine.close();
      rmSync(appDataDir, { recursive: true, force: true });
    }
  });
}

test('switching back: the local broker is the one in use again, without a broker started', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ps-connection-'));
  try {
    const connection = new BrokerConnection({
      dataDir,
      logger: createLogger('test', () => undefined),
    });
    connection.useCluster(['kafka.example.com:9092']);
    assert.deepEqual(await connection.ready(), ['kafka.example.com:9092']);
    assert.equal(connection.useCluster(null).state, 'absent');
    assert.deepEqual(connection.status().brokers, []);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('desktop: an empty password uses the saved one, but only for the same user and cluster', async () => {
  const { appDataDir, engine } = await useCluster(true);
  try {
    await engine.handlers.useCluster({ ...FORM, password: '' });
    assert.equal(clusterSecurity().sasl?.password, PASSWORD);
    await assert.rejects(
      engine.handlers.useCluster({
        ...FORM,
        password: '',
        bootstrapServers: 'evil.example.com:9093',
      }),
      /^InputError: connection: the password is missing/,
    );
    await assert.rejects(
      engine.handlers.useCluster({ ...FORM, password: '', username: 'bob' }),
      /the password is missing/,
    );
  } finally {
    useClusterSecurity({ protocol: 'PLAINTEXT' });
    await engine.close();
    rmSync(appDataDir, { recursive: true, force: true });
  }
});
