// The worker's exclusive hold on its data dir: a LOCK file holding the owner's pid
// (main/shared/pidLockFile). A second worker on the same dir fails with a one-line error; a lock
// left by a dead process is taken over. A dir on a pseudo file system (/proc …) is refused.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { assertDiskDirectory } from '../shared/diskDirectory';
import { EnvironmentError, InputError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { PidLockFile } from '../shared/pidLockFile';
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

export class DataDirLock implements Service {
  readonly name = 'data-dir-lock';
  private readonly lock: PidLockFile;

  constructor(
    readonly dataDir: string,
    logger: Logger,
    pid: number = process.pid,
  ) {
    this.lock = new PidLockFile(
      path.join(dataDir, 'LOCK'),
      (owner) => new DataDirLockedError(dataDir, owner),
      logger,
      pid,
    );
  }

  async start(): Promise<void> {
    assertDiskDirectory(this.dataDir, '--data-dir');
    try {
      await mkdir(this.dataDir, { recursive: true });
    } catch (error) {
      throw new EnvironmentError(
        `cannot create data dir ${this.dataDir}: ${(error as Error).message} — choose a writable --data-dir`,
        { cause: error },
      );
    }
    await this.lock.acquire();
  }

  stop(): Promise<void> {
    return this.lock.release();
  }
}
