// The worker's exclusive hold on its data dir: a LOCK file created exclusively with the owner's
// pid. A second worker on the same dir fails with a one-line error; a lock left by a dead
// process is taken over.
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EnvironmentError, InputError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { Service } from './service';

export class DataDirLockedError extends InputError {
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
  ) {
    super(
      `data dir ${dataDir} is in use by worker process ${ownerPid} — give each worker its own --data-dir`,
    );
    this.name = 'DataDirLockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class DataDirLock implements Service {
  readonly name = 'data-dir-lock';
  readonly lockPath: string;
  private held = false;

  constructor(
    readonly dataDir: string,
    private readonly logger: Logger,
    private readonly pid: number = process.pid,
  ) {
    this.lockPath = path.join(dataDir, 'LOCK');
  }

  async start(): Promise<void> {
    try {
      await mkdir(this.dataDir, { recursive: true });
    } catch (error) {
      throw new EnvironmentError(
        `cannot create data dir ${this.dataDir}: ${(error as Error).message} — choose a writable --data-dir`,
        { cause: error },
      );
    }
    // Two rounds: the second one runs after a stale lock was removed.
    for (let round = 0; round < 2; round += 1) {
      try {
        await writeFile(this.lockPath, `${this.pid}\n`, { flag: 'wx' });
        this.held = true;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new EnvironmentError(
            `cannot lock data dir ${this.dataDir}: ${(error as Error).message}`,
            {
              cause: error,
            },
          );
        }
      }
      const owner = await this.readOwner();
      if (owner !== null && owner !== this.pid && isAlive(owner)) {
        throw new DataDirLockedError(this.dataDir, owner);
      }
      this.logger.warn('taking over a stale data dir lock', {
        dataDir: this.dataDir,
        stalePid: owner,
      });
      await unlink(this.lockPath).catch(() => undefined);
    }
    const owner = (await this.readOwner()) ?? 0;
    throw new DataDirLockedError(this.dataDir, owner);
  }

  async stop(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    if ((await this.readOwner()) === this.pid) await unlink(this.lockPath).catch(() => undefined);
  }

  private async readOwner(): Promise<number | null> {
    try {
      const pid = Number.parseInt(await readFile(this.lockPath, 'utf8'), 10);
      return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
    } catch {
      return null;
    }
  }
}
