// `parquet-streamer broker start|stop|status`: the local single-node KRaft broker.
import type { Command } from 'commander';
import { resolveKafkaDistribution } from '../../broker/kafkaDistribution';
import { DEFAULT_BROKER_PORT, LocalBroker, recordedBrokerStatus } from '../../broker/localBroker';
import { brokerDataDir } from '../../shared/appPaths';
import { parsePort, parseWholeNumber } from '../cliOptions';

interface BrokerFlags {
  port: number;
  controllerPort?: number;
  dataDir: string;
  detach?: boolean;
  heapMb: number;
  json?: boolean;
}

export function registerBrokerCommand(program: Command): void {
  const broker = program
    .command('broker')
    .description('run the local single-node Kafka broker (KRaft, 127.0.0.1 only)');

  broker
    .command('start')
    .description('provision (once), format and start the broker; waits until clients get answers')
    .option('--port <n>', 'client port', parsePort('--port'), DEFAULT_BROKER_PORT)
    .option(
      '--controller-port <n>',
      'KRaft controller port (default: a free one)',
      parsePort('--controller-port'),
    )
    .option('--data-dir <dir>', 'where the broker keeps its logs and state', brokerDataDir())
    .option('--heap-mb <n>', 'Java heap of the broker', parseWholeNumber('--heap-mb'), 512)
    .option(
      '--detach',
      'leave the broker running after this command exits (otherwise it stops with this command, even when killed)',
    )
    .action(async (flags: BrokerFlags) => {
      const local = new LocalBroker({
        dataDir: flags.dataDir,
        port: flags.port,
        controllerPort: flags.controllerPort,
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
      if (flags.detach) {
        const dirFlag = flags.dataDir === brokerDataDir() ? '' : ` --data-dir ${flags.dataDir}`;
        console.log(`stop it with: parquet-streamer broker stop${dirFlag}`);
        return;
      }
      console.log('press Ctrl+C to stop');
      await new Promise<void>((resolve) => {
        const stop = () => void local.stop().then(() => resolve());
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
    .description('stop the broker recorded in the data dir (waits for a clean shutdown)')
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
    .description('say whether the broker recorded in the data dir is running and answering')
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
      }
    });
}
