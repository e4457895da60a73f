// Where the engine keeps a secret the user typed (the cluster password) between runs. The
// desktop app hands in one over the system keychain (main/shell/safeStorageSecrets.ts); the
// dashboard, plain Node with no keychain, keeps none: the user types the password each time.
export interface SecretStore {
  /** one line for the form: where a saved secret is kept, or why none is */
  note(): string;
  /** keeps `secret` under `name`; false when this store keeps nothing */
  save(name: string, secret: string): Promise<boolean>;
  /** the secret kept under `name`, if any */
  load(name: string): Promise<string | undefined>;
  remove(name: string): Promise<void>;
}

/** The dashboard's store: saves nothing. */
export const unsavedSecrets: SecretStore = {
  note: () =>
    'the dashboard does not save passwords — type it each time, or start it with a client properties file',
  save: async () => false,
  load: async () => undefined,
  remove: async () => undefined,
};
