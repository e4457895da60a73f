// Writes a JSON file so that a crash leaves either the old or the new content, never a torn
// file: the text goes to a temporary file beside it (named by process and write, so neither two
// processes nor two overlapping writes of one process share one), which then replaces the file in
// one rename.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

let writes = 0;

export async function writeJsonAtomically(file: string, value: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${writes++}.tmp`;
  try {
    await fs.writeFile(temporary, JSON.stringify(value, null, 2) + '\n');
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}
