// Worker processes for the packaged desktop app. Its RunAsNode fuse is off, so
// child_process.fork cannot turn Electron's binary into plain Node any more (the child ignores
// ELECTRON_RUN_AS_NODE and boots as a second app, and newer Electron refuses such a fork); an
// Electron utility process runs the worker script as Node instead. This adapts one to the part
// of ChildProcess the worker supervisor uses: pid, stdout and stderr, kill(signal), 'exit' and
// 'error'.
import { EventEmitter } from 'node:events';
import { utilityProcess, type UtilityProcess } from 'electron';
import { WORKER_NODE_FLAGS } from '../worker/workerNodeFlags';

/** A utility process seen as the ChildProcess subset the supervisor uses. */
export class UtilityWorker extends EventEmitter {
  private readonly child: UtilityProcess;

  constructor(script: string, args: string[], env: NodeJS.ProcessEnv) {
    super();
    this.child = utilityProcess.fork(script, args, {
      env,
      execArgv: [...WORKER_NODE_FLAGS],
      stdio: 'pipe',
      serviceName: 'Parquet Streamer worker',
    });
    this.child.once('exit', (code) => this.emit('exit', code, null));
    this.child.on('error', (type, location) =>
      this.emit('error', new Error(`worker process failed: ${type} at ${location}`)),
    );
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get stdout(): NodeJS.ReadableStream | null {
    return this.child.stdout;
  }

  get stderr(): NodeJS.ReadableStream | null {
    return this.child.stderr;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    // a utility process only takes SIGTERM; the supervisor's last resort goes by pid
    const pid = this.child.pid;
    if (signal === 'SIGKILL' && pid !== undefined && process.platform !== 'win32') {
      process.kill(pid, 'SIGKILL');
      return true;
    }
    return this.child.kill();
  }
}
