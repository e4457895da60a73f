// The desktop app's SecretStore: each secret encrypted with Electron's safeStorage (macOS
// Keychain, Windows DPAPI, libsecret or KWallet on Linux) in <dir>/<name>.secret, readable only
// by the user. Where the system offers no encryption, nothing is saved. safeStorage is handed
// in, so tests run this with a fake.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { SecretStore } from '../api/secretStore';

/** The part of Electron's safeStorage this uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(text: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only; 'basic_text' encrypts with a key built into Chromium, so it counts as none */
  getSelectedStorageBackend?(): string;
}

export function safeStorageSecrets(safeStorage: SafeStorageLike, dir: string): SecretStore {
  const file = (name: string) => path.join(dir, `${name}.secret`);
  const available = () =>
    safeStorage.isEncryptionAvailable() &&
    safeStorage.getSelectedStorageBackend?.() !== 'basic_text';
  return {
    note: () =>
      available()
        ? 'the password is saved encrypted with the system keychain'
        : 'the password is not saved: this system offers no keychain to encrypt it — type it each time, or start with PS_CLIENT_CONFIG=FILE',
    async save(name, secret) {
      if (!available()) {
        await fs.rm(file(name), { force: true });
        return false;
      }
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const temporary = `${file(name)}.${process.pid}.tmp`;
      await fs.writeFile(temporary, safeStorage.encryptString(secret), { mode: 0o600 });
      await fs.rename(temporary, file(name));
      return true;
    },
    async load(name) {
      if (!available()) return undefined;
      const encrypted = await fs.readFile(file(name)).catch(() => null);
      if (!encrypted) return undefined;
      try {
        return safeStorage.decryptString(encrypted);
      } catch {
        return undefined; // another user's or machine's keychain: the user types it again
      }
    },
    remove: (name) => fs.rm(file(name), { force: true }),
  };
}
