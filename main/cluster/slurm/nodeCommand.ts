// How a SLURM node runs this install's CLI: this Node (or Electron run as Node) with the
// worker's Node flags, and bin/parquet-streamer.js, by the same paths — the install is on a
// filesystem the nodes share.
import path from 'node:path';
import { WORKER_NODE_FLAGS } from '../../worker/workerNodeFlags';

export function slurmNodeCommand(): string[] {
  const cli = path.resolve(__dirname, '..', '..', '..', '..', 'bin', 'parquet-streamer.js');
  const node = process.versions.electron ? ['env', 'ELECTRON_RUN_AS_NODE=1'] : [];
  return [...node, process.execPath, ...WORKER_NODE_FLAGS, cli];
}
