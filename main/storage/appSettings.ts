// The settings file (settings.json in the app data folder): what the app remembers between
// launches — dataset, stream form, worker count, transform, charts. Read once when the engine
// starts; a missing file is no settings, an invalid part is logged and ignored (the app starts
// with its default for it and the next save replaces it). Saves are merged and written one
// after another, each atomically.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { appSettingsSchema, type AppSettings } from '../api/contract';
import { writeJsonAtomically } from '../shared/atomicJson';
import type { Logger } from '../shared/logger';

export function settingsFile(appDataDir: string): string {
  return path.join(appDataDir, 'settings.json');
}

export class SettingsStore {
  private current: AppSettings;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
  ) {
    this.current = this.read();
  }

  get(): AppSettings {
    return this.current;
  }

  /** Merges the parts given (each replaces its predecessor) and writes the file. */
  async save(patch: Partial<AppSettings>): Promise<AppSettings> {
    const next: AppSettings = { ...this.current, ...patch };
    for (const key of Object.keys(next) as (keyof AppSettings)[]) {
      if (next[key] === undefined) delete next[key];
    }
    this.current = next;
    const write = this.writing.then(() => writeJsonAtomically(this.file, next));
    this.writing = write.catch(() => undefined);
    await write;
    return next;
  }

  private read(): AppSettings {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return {};
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      this.logger.warn(`settings in ${this.file} ignored: not JSON`);
      return {};
    }
    // part by part: one invalid part (a chart an older version wrote, say) keeps the others
    const settings: Record<string, unknown> = {};
    const given = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    for (const [key, schema] of Object.entries(appSettingsSchema.shape)) {
      if (given[key] === undefined) continue;
      const parsed = schema.safeParse(given[key]);
      if (parsed.success) settings[key] = parsed.data;
      else
        this.logger.warn(
          `setting ${key} in ${this.file} ignored: ${parsed.error.issues[0]?.message}`,
        );
    }
    return settings as AppSettings;
  }
}
