// `parquet-streamer dashboard`: the app in a browser. Starts the engine (the local broker, or an
// existing cluster with --brokers), serves the built UI and its API on 127.0.0.1 and prints the
// URL to open; Ctrl+C (or SIGTERM) stops the stream, the workers and the broker it started.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { StreamEngine } from '../../api/streamEngine';
import { startDashboardServer } from '../../server/dashboardServer';
import { builtRendererDir } from '../../server/staticFiles';
import { defaultAppDataDir } from '../../shared/appPaths';
import { assertDiskDirectory } from '../../shared/diskDirectory';
import { EnvironmentError } from '../../shared/errors';
import { addClientConfigOption, parseBrokers, parseNodeCount, parsePort } from '../cliOptions';

interface DashboardFlags {
  port: number;
  brokers?: string[];
  brokerNodes: number;
  dataDir: string;
}

function untilStopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function registerDashboardCommand(program: Command): void {
  addClientConfigOption(program.command('dashboard'))
    .description(
      'serve the app to a browser on 127.0.0.1: the same screens and API as the desktop app',
    )
    .option(
      '--port <n>',
      'HTTP port on 127.0.0.1 (0 picks a free one)',
      parsePort('--port', true),
      0,
    )
    .option(
      '--brokers <list>',
      'host:port,… of an existing cluster (default: start the local broker)',
      parseBrokers,
    )
    .option(
      '--broker-nodes <n>',
      'nodes of the local broker it starts (3: a cluster with 3 copies of each partition)',
      parseNodeCount('--broker-nodes'),
      1,
    )
    .option(
      '--data-dir <dir>',
      'where broker data, worker dirs and demo data live',
      defaultAppDataDir(),
    )
    .action(async (flags: DashboardFlags) => {
      const staticDir = builtRendererDir();
      if (!existsSync(path.join(staticDir, 'index.html'))) {
        throw new EnvironmentError(
          `the UI is not built (${path.join(staticDir, 'index.html')} is missing) — run \`npm run build\` first`,
        );
      }
      assertDiskDirectory(flags.dataDir, '--data-dir');
      const engine = new StreamEngine({
        appDataDir: path.resolve(flags.dataDir),
        brokers: flags.brokers,
        brokerNodes: flags.brokerNodes,
      });
      const server = await startDashboardServer({
        host: engine,
        port: flags.port,
        staticDir,
      }).catch(async (error: unknown) => {
        await engine.close();
        throw error;
      });
      console.log(`Parquet Streamer dashboard: ${server.url}`);
      console.log(
        flags.brokers
          ? `using the cluster at ${flags.brokers.join(',')}`
          : `starting the local broker (data in ${path.resolve(flags.dataDir)})`,
      );
      console.log('open the URL in a browser; press Ctrl+C to stop');
      const signal = await untilStopSignal();
      console.log(`${signal}: stopping the dashboard, the stream and the workers…`);
      await server.close();
      await engine.close();
      console.log('dashboard stopped');
    });
}
