// The broker badge in the header: state, addresses, provisioning progress, Start / Stop, each
// node of a local cluster, and the broker's last log lines when it failed.
import { useState } from 'react';
import type { BrokerNodeStatus, BrokerState, BrokerStatus } from '../../main/api/contract';
import type { RunCommand } from '../state/useEngine';

const LABELS: Record<BrokerState, string> = {
  absent: 'not installed',
  provisioning: 'provisioning',
  starting: 'starting',
  ready: 'ready',
  stopping: 'stopping',
  stopped: 'stopped',
  failed: 'failed',
  external: 'external cluster',
};

const NODE_LABELS: Record<BrokerNodeStatus['state'], string> = {
  up: 'up',
  'catching-up': 'catching up',
  starting: 'starting',
  down: 'down',
};

/** "catching up (4 behind)": how many partitions the node is not yet in sync on */
function nodeLabel(node: BrokerNodeStatus): string {
  return node.behind
    ? `${NODE_LABELS[node.state]} (${node.behind} behind)`
    : NODE_LABELS[node.state];
}

export function BrokerPanel(props: {
  broker: BrokerStatus;
  run: RunCommand;
  onStatus: (broker: BrokerStatus) => void;
}) {
  const { broker } = props;
  const [busy, setBusy] = useState(false);
  const canStart = ['absent', 'stopped', 'failed'].includes(broker.state);
  const canStop = ['ready', 'starting', 'provisioning'].includes(broker.state);

  async function change(command: 'startBroker' | 'stopBroker') {
    setBusy(true);
    const result = await props.run(command, {});
    setBusy(false);
    if (result.ok) props.onStatus(result.value);
  }

  return (
    <section className="broker" aria-label="Kafka broker">
      <span className={`badge badge-${broker.state}`} data-testid="broker-state">
        Broker: {LABELS[broker.state]}
      </span>
      {broker.brokers.length > 0 && (
        <code className="broker-address">{broker.brokers.join(', ')}</code>
      )}
      {broker.state === 'provisioning' && (
        <progress
          className="broker-progress"
          aria-label="Provisioning progress"
          value={broker.progress ?? undefined}
          max={1}
        />
      )}
      {broker.detail && <span className="broker-detail">{broker.detail}</span>}
      {broker.nodes && broker.nodes.length > 1 && (
        <ul className="broker-nodes" aria-label="Broker nodes">
          {broker.nodes.map((node) => (
            <li key={node.nodeId} data-testid={`broker-node-${node.nodeId}`}>
              <span className={`badge badge-node-${node.state}`}>
                node {node.nodeId}: {nodeLabel(node)}
              </span>{' '}
              <code className="broker-address">{node.address}</code>
            </li>
          ))}
        </ul>
      )}
      {broker.state !== 'external' && (
        <span className="button-row">
          <button type="button" disabled={busy || !canStart} onClick={() => change('startBroker')}>
            Start broker
          </button>
          <button type="button" disabled={busy || !canStop} onClick={() => change('stopBroker')}>
            Stop broker
          </button>
        </span>
      )}
      {broker.state === 'failed' && broker.logTail && broker.logTail.length > 0 && (
        <details className="broker-log">
          <summary>Broker log</summary>
          <pre>{broker.logTail.join('\n')}</pre>
        </details>
      )}
    </section>
  );
}
