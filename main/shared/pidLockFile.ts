// An exclusive hold on a resource through a lock file created exclusively with the owner's pid.
// A live owner makes acquire() fail with the caller's one-line error; a lock left by a dead
// process (or one without a pid) is taken over.
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { EnvironmentError, type UserError } from './errors';
import type { Logger } from './logger';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class PidLockFile {
  private held = false;

  /** `heldBy` builds the error for a lock held by another live process. */
  constructor(
    readonly lockPath: string,
    private readonly heldBy: (ownerPid: number) => UserError,
    private readonly logger: Logger,
    private readonly pid: number = process.pid,
  ) {}

  /** Takes the lock; the lock file's folder must exist. */
  async acquire(): Promise<void> {
    // Two rounds: the second one runs after a stale lock was removed.
    for (let round = 0; round < 2; round += 1) {
      try {
        await writeFile(this.lockPath, `${this.pid}\n`, { flag: 'wx' });
        this.held = true;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new EnvironmentError(
            `cannot create lock file ${this.lockPath}: ${(error as Error).message}`,
            { cause: error },
          );
        }
      }
      const owner = await this.readOwner();
      if (owner !== null && owner !== this.pid && isAlive(owner)) throw this.heldBy(owner);
      this.logger.warn('taking over a stale lock', { lock: this.lockPath, stalePid: owner });
      await unlink(this.lockPath).catch(() => undefined);
    }
    throw this.heldBy((await this.readOwner()) ?? 0);
  }

  async release(): Promise<void> {
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
