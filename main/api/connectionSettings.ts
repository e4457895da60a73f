// The connection form's settings the engine keeps between runs, in <settings>/connection.json:
// servers, protocol, mechanism, username and CA file. Never the password: that goes to the
// engine's SecretStore, which may keep it encrypted or not at all.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { writeJsonAtomically } from '../shared/atomicJson';
import { clusterConnectionSchema, type ClusterConnection, type SavedConnection } from './contract';

const FILE = 'connection.json';
const savedConnectionSchema = clusterConnectionSchema.omit({ password: true });

/** The saved settings, or null when none are saved or the file is not readable as them. */
export async function readSavedConnection(settingsDir: string): Promise<SavedConnection | null> {
  const text = await readFile(path.join(settingsDir, FILE), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const parsed = savedConnectionSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Saves the form's settings without its password. */
export async function writeSavedConnection(
  settingsDir: string,
  connection: ClusterConnection,
): Promise<void> {
  await writeJsonAtomically(path.join(settingsDir, FILE), savedConnectionSchema.parse(connection));
}
