// Where each node of a local cluster lives: node ids 1..N, client ports port..port+N-1,
// controller ports controllerPort..controllerPort+N-1, and one data dir per node (node-1, …
// under the broker data dir; a single node keeps the data dir itself, as it always has).
import * as path from 'node:path';
import { InputError } from '../shared/errors';

export const MAX_NODES = 5;

export interface NodeLayout {
  nodeId: number;
  dataDir: string;
  port: number;
  controllerPort: number;
}

/** `flag` names the option in the error: --nodes, or --broker-nodes where the app starts it. */
export function checkNodeCount(nodes: number, flag = '--nodes'): number {
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) {
    throw new InputError(
      `${flag} takes a whole number from 1 to ${MAX_NODES} (got ${nodes}) — 3 is the smallest cluster that survives losing a node`,
      { field: 'nodes' },
    );
  }
  return nodes;
}

/** The data dir of node `nodeId` of an N-node cluster kept in `dataDir`. */
export function nodeDataDir(dataDir: string, nodes: number, nodeId: number): string {
  return nodes === 1 ? dataDir : path.join(dataDir, `node-${nodeId}`);
}

/**
 * Every node's ports and data dir, with one line naming the flag when the ports do not fit.
 * `controllerPorts` is the --controller-port base, or one port per node (free ones when the
 * user gave none).
 */
export function layoutNodes(
  dataDir: string,
  nodes: number,
  port: number,
  controllerPorts: number | number[],
): NodeLayout[] {
  checkNodeCount(nodes);
  const clientPorts = portRange('--port', port, nodes);
  const controllers =
    typeof controllerPorts === 'number'
      ? portRange('--controller-port', controllerPorts, nodes)
      : controllerPorts;
  const clash = controllers.find((candidate) => clientPorts.includes(candidate));
  if (clash !== undefined) {
    throw new InputError(
      `controller port ${clash} is also a client port (--port ${describeRange(clientPorts)}) — give --controller-port ports of its own`,
    );
  }
  return clientPorts.map((clientPort, index) => ({
    nodeId: index + 1,
    dataDir: nodeDataDir(dataDir, nodes, index + 1),
    port: clientPort,
    controllerPort: controllers[index]!,
  }));
}

function portRange(flag: string, base: number, nodes: number): number[] {
  const ports = Array.from({ length: nodes }, (_, index) => base + index);
  if (ports[ports.length - 1]! > 65535) {
    throw new InputError(
      `${flag} ${base} leaves no room for ${nodes} nodes (${describeRange(ports)}) — choose a port up to ${65536 - nodes}`,
    );
  }
  return ports;
}

function describeRange(ports: number[]): string {
  return ports.length === 1 ? `${ports[0]}` : `${ports[0]}–${ports[ports.length - 1]}`;
}
