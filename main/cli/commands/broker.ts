// `parquet-streamer broker start|stop|status`: the local KRaft broker, one node or a cluster of a
// few (`--nodes 3`), and what each node is doing.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { BrokerNodeStatus } from '../../api/contract';
import { resolveKafkaDistribution } from '../../broker/kafkaDistribution';
import {
  DEFAULT_BROKER_PORT,
  LocalBroker,
  recordedBrokerStatus,
  type BrokerAddress,
} from '../../broker/localBroker';
import { brokerDataDir } from '../../shared/appPaths';
import { writeJsonAtomically } from '../../shared/atomicJson';
import { parseHost, parseNodeCount, parsePort, parseWholeNumber } from '../cliOptions';

interface BrokerFlags {
  nodes: number;
  port: number;
  controllerPort?: number;
  listenHost: string;
  advertisedHost?: string;
  addressFile?: string;
  dataDir: string;
  detach?: boolean;
  heapMb: number;
  json?: boolean;
}

export function registerBrokerCommand(program: Command): void {
  const broker = program
    .command('broker')
    .description(
      'run the local Kafka broker: one node or a small cluster (KRaft, on 127.0.0.1 unless --listen-host)',
    );

  broker
    .command('start')
    .description('provision (once), format and start the broker; waits until clients get answers')
    .option(
      '--nodes <n>',
      'nodes of the cluster; 3 gives topics 3 copies with 2 in sync (min.insync.replicas)',
      parseNodeCount('--nodes'),
      1,
    )
    .option(
      '--port <n>',
      'client port of node 1; node i uses port + i - 1',
      parsePort('--port'),
      DEFAULT_BROKER_PORT,
    )
    .option(
      '--controller-port <n>',
      'KRaft controller port of node 1, the next nodes count up (default: free ones)',
      parsePort('--controller-port'),
    )
    .option(
      '--listen-host <address>',
      'address the nodes listen on; 0.0.0.0 lets other hosts connect (no TLS, no password: firewall it)',
      parseHost('--listen-host'),
      '127.0.0.1',
    )
    .option(
      '--advertised-host <name>',
      "the name clients connect to (default: the listen host, or this machine's host name for 0.0.0.0)",
      parseHost('--advertised-host'),
    )
    .option(
      '--address-file <file>',
      'once the broker answers, write its bootstrap address there as JSON (removed when it stops)',
    )
    .option('--data-dir <dir>', 'where the broker keeps its logs and state', brokerDataDir())
    .option('--heap-mb <n>', 'Java heap of each node', parseWholeNumber('--heap-mb'), 512)
    .option(
      '--detach',
      'leave the broker running after this command exits (otherwise it stops with this command, even when killed)',
    )
    .action(async (flags: BrokerFlags) => {
      const local = new LocalBroker({
        dataDir: flags.dataDir,
        nodes: flags.nodes,
        port: flags.port,
        controllerPort: flags.controllerPort,
        listenHost: flags.listenHost,
        advertisedHost: flags.advertisedHost,
        heapMb: flags.heapMb,
        detach: flags.detach,
      });
      local.on('status', (status) => {
        if (status.state === 'provisioning') {
          process.stderr.write(`provisioning Kafka: ${status.detail ?? ''}\n`);
        }
      });
      const status = await local.start();
      console.log(`broker ready on ${status.brokers.join(',')} — ${status.detail}`);
      console.log(`data dir ${flags.dataDir}, log ${local.logFile}`);
      for (const node of status.nodes ?? []) if (flags.nodes > 1) console.log(describeNode(node));
      const addressFile = flags.addressFile ? path.resolve(flags.addressFile) : undefined;
      if (addressFile) {
        const address: BrokerAddress = {
          brokers: status.brokers,
          pid: process.pid,
          dataDir: path.resolve(flags.dataDir),
          log: local.logFile,
        };
        await writeJsonAtomically(addressFile, address);
      }
      if (flags.detach) {
        const dirFlag = flags.dataDir === brokerDataDir() ? '' : ` --data-dir ${flags.dataDir}`;
        console.log(`stop it with: parquet-streamer broker stop${dirFlag}`);
        return;
      }
      console.log('press Ctrl+C to stop');
      await new Promise<void>((resolve) => {
        const stop = () =>
          void local
            .stop()
            .then(() => (addressFile ? rm(addressFile, { force: true }) : undefined))
            .then(() => resolve());
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      console.log('broker stopped');
    });

  broker
    .command('provision')
    .description(`fetch the Kafka broker jars once (Maven) into the per-user cache`)
    .action(async () => {
      const distribution = await resolveKafkaDistribution((fraction, detail) =>
        process.stderr.write(`provisioning Kafka: ${Math.round(fraction * 100)}% ${detail}\n`),
      );
      console.log(
        `Apache Kafka ${distribution.version} jars in ${distribution.libsDir} (${distribution.source})`,
      );
    });

  broker
    .command('stop')
    .description(
      'stop the broker recorded in the data dir, every node (waits for a clean shutdown)',
    )
    .option('--data-dir <dir>', 'the data dir the broker was started with', brokerDataDir())
    .action(async (flags: BrokerFlags) => {
      const before = await recordedBrokerStatus(flags.dataDir);
      if (before.state === 'stopped') {
        console.log(`no broker is running on data dir ${flags.dataDir}`);
        return;
      }
      await new LocalBroker({ dataDir: flags.dataDir }).stop();
      console.log(`broker on ${before.brokers.join(',')} stopped`);
    });

  broker
    .command('status')
    .description(
      'say whether the broker recorded in the data dir is running and answering, node by node',
    )
    .option('--data-dir <dir>', 'the data dir the broker was started with', brokerDataDir())
    .option('--json', 'print the status as JSON')
    .action(async (flags: BrokerFlags) => {
      const status = await recordedBrokerStatus(flags.dataDir);
      if (flags.json) {
        console.log(JSON.stringify(status));
      } else if (status.state === 'stopped') {
        console.log(`stopped (data dir ${flags.dataDir})`);
      } else {
        console.log(`${status.state} on ${status.brokers.join(',')} — ${status.detail}`);
        if ((status.nodes ?? []).length > 1)
          for (const node of status.nodes!) console.log(describeNode(node));
      }
    });
}

/** "node 2  127.0.0.1:9093  catching up (4 partitions behind)  pid 1234" */
function describeNode(node: BrokerNodeStatus): string {
  const state =
    node.state === 'catching-up'
      ? `catching up (${node.behind} partition${node.behind === 1 ? '' : 's'} behind)`
      : node.state;
  return [`node ${node.nodeId}`, node.address, state, node.pid ? `pid ${node.pid}` : '']
    .filter(Boolean)
    .join('  ');
}
