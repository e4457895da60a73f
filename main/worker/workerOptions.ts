// The worker's options, one definition for every way it starts: `parquet-streamer worker`,
// the child-process entry the supervisor forks, and standalone runs on other machines.
// Validated once here; every mistake is a one-line message naming the flag. A secured cluster's
// settings come from --client-config FILE or, for a forked worker, from its parent's
// environment (clusterSecurity.ts): never from a flag, so no secret shows in the process list.
import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { loadClientConfig } from '../broker/clientProperties';
import { inheritedSecurity, type ClusterSecurity } from '../broker/clusterSecurity';
import { parseBrokerList } from '../broker/kafkaClient';
import { DEFAULT_PRESET, presetList } from '../pipelines/presets';
import { InputError } from '../shared/errors';
import type { LogLevel } from '../shared/logger';
import { topicNameSchema } from '../shared/topicName';

export interface WorkerOptions {
  brokers: string[];
  group: string;
  inputTopic: string;
  outputTopic: string;
  dataDir: string;
  webPort: number;
  webHost: string;
  /** when set, every request to the web port must carry `Authorization: Bearer <token>` */
  webToken: string | null;
  logLevel: LogLevel;
  workerId: string;
  sessionTimeoutMs: number;
  /** how long a lost broker is waited for before the worker exits; null: for ever */
  reconnectTimeoutMs: number | null;
  /** a preset, a .json spec, a .js/.cjs/.mjs module or JSON text; resolved when the worker starts */
  transform: string;
  /** the client properties file given with --client-config */
  clientConfig?: string;
  /** TLS and SASL for a secured cluster, from clientConfig or the parent's environment */
  security?: ClusterSecurity;
}

/** A whole number from min to max given as text or number; any other value gets `message`. */
const wholeNumber = (min: number, max: number, message: string) =>
  z.coerce.number({ error: message }).int(message).min(min, message).max(max, message);

const rawOptionsSchema = z.object({
  brokers: z.string().min(1, 'give at least one host:port').optional(),
  clientConfig: z.string().min(1, 'give the path of a client properties file').optional(),
  group: z.string().min(1, 'give a consumer group name'),
  input: topicNameSchema,
  output: topicNameSchema,
  dataDir: z.string().min(1, 'give a directory'),
  webPort: wholeNumber(0, 65535, 'must be a port number from 0 to 65535'),
  webHost: z.string().min(1),
  webTokenFile: z.string().min(1, 'give a file').optional(),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']),
  workerId: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{1,100}$/, 'use letters, digits, ".", "_" and "-" only')
    .optional(),
  sessionTimeout: wholeNumber(1000, 300_000, 'must be milliseconds from 1000 to 300000'),
  reconnectTimeout: wholeNumber(1, 604_800, 'must be seconds from 1 to 604800 (a week)').optional(),
  transform: z.string().trim().min(1, 'name a preset, a .json spec or a .js module'),
});

const FLAGS: Record<string, string> = {
  brokers: '--brokers',
  clientConfig: '--client-config',
  group: '--group',
  input: '--input',
  output: '--output',
  dataDir: '--data-dir',
  webPort: '--web-port',
  webHost: '--web-host',
  webTokenFile: '--web-token-file',
  logLevel: '--log-level',
  workerId: '--worker-id',
  sessionTimeout: '--session-timeout',
  reconnectTimeout: '--reconnect-timeout',
  transform: '--transform',
};

/** Adds the worker's flags to a commander command. */
export function addWorkerOptions(command: Command): Command {
  return command
    .option('--brokers <list>', 'Kafka bootstrap servers, host:port,… (default: --client-config)')
    .option(
      '--client-config <file>',
      'Kafka client properties (bootstrap.servers, security.protocol, sasl.*, ssl.*) for a secured cluster',
    )
    .requiredOption('--group <name>', 'consumer group the worker joins (the Faust app id)')
    .requiredOption('--input <topic>', 'topic to read rows from')
    .requiredOption('--output <topic>', 'topic to write transformed rows to')
    .requiredOption('--data-dir <dir>', 'directory the worker locks and keeps its state in')
    .requiredOption('--web-port <port>', 'HTTP port for /health, /stats, /metrics and /assignment')
    .option('--web-host <host>', 'address the HTTP port listens on', '127.0.0.1')
    .option(
      '--web-token-file <file>',
      `file (mode 0600) holding the token the web port requires as "Authorization: Bearer"; or set ${WEB_TOKEN_ENV}`,
    )
    .addOption(
      new Option('-l, --log-level <level>', 'log level')
        .choices(['debug', 'info', 'warn', 'error'])
        .default('info'),
    )
    .option(
      '--worker-id <id>',
      'stable worker name for logs, /stats and the Kafka client id (default <host>-<data dir name>)',
    )
    .option('--session-timeout <ms>', 'consumer group session timeout in milliseconds', '10000')
    .option(
      '--reconnect-timeout <seconds>',
      'how long to wait for a lost broker before exiting (default: wait as long as it takes)',
    )
    .option(
      '--transform <spec>',
      `what the worker does to each row: a preset (${presetList()}), a .json spec, a .js module or JSON text`,
      DEFAULT_PRESET,
    );
}

/** The environment variable a worker reads its web token from (never a command-line argument). */
export const WEB_TOKEN_ENV = 'PS_WORKER_WEB_TOKEN';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** The web token from --web-token-file (readable by its owner only) or the environment. */
function webTokenFrom(file: string | undefined, env: NodeJS.ProcessEnv): string | null {
  if (file === undefined) return env[WEB_TOKEN_ENV]?.trim() || null;
  let token: string;
  try {
    if ((statSync(file).mode & 0o077) !== 0) {
      throw new InputError(`--web-token-file: ${file} is readable by others — chmod 600 it`);
    }
    token = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`--web-token-file: cannot read ${file} — check the path`);
  }
  if (token.length < 16) {
    throw new InputError(`--web-token-file: ${file} holds no token of 16 characters or more`);
  }
  return token;
}

/**
 * Validates the parsed flags; throws an InputError naming the flag. Reads --client-config, or
 * the security a parent put in `environment`.
 */
export function workerOptionsFrom(
  raw: Record<string, unknown>,
  environment: NodeJS.ProcessEnv = process.env,
): WorkerOptions {
  const parsed = rawOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? 'options');
    throw new InputError(`${FLAGS[key] ?? key}: ${issue?.message ?? 'invalid'}`);
  }
  const options = parsed.data;
  const clientConfig = options.clientConfig
    ? loadClientConfig(options.clientConfig, environment)
    : undefined;
  let brokers: string[];
  try {
    brokers = options.brokers ? parseBrokerList(options.brokers) : (clientConfig?.brokers ?? []);
  } catch (error) {
    throw new InputError(`--brokers: ${(error as Error).message}`);
  }
  if (brokers.length === 0) {
    throw new InputError('--brokers: give at least one host:port (or --client-config FILE)');
  }
  const security = clientConfig ? clientConfig.security : inheritedSecurity(environment);
  const dataDir = path.resolve(options.dataDir);
  const webToken = webTokenFrom(options.webTokenFile, environment);
  if (webToken === null && !LOOPBACK.test(options.webHost)) {
    throw new InputError(
      `--web-host: ${options.webHost} opens the web port to other hosts — give a token with --web-token-file or ${WEB_TOKEN_ENV}`,
    );
  }
  return {
    brokers,
    group: options.group,
    inputTopic: options.input,
    outputTopic: options.output,
    dataDir,
    webPort: options.webPort,
    webHost: options.webHost,
    webToken,
    logLevel: options.logLevel,
    workerId:
      options.workerId ??
      `${os.hostname()}-${path.basename(dataDir)}`.replace(/[^a-zA-Z0-9._-]/g, '_'),
    sessionTimeoutMs: options.sessionTimeout,
    reconnectTimeoutMs:
      options.reconnectTimeout === undefined ? null : options.reconnectTimeout * 1000,
    transform: options.transform,
    ...(options.clientConfig ? { clientConfig: path.resolve(options.clientConfig) } : {}),
    ...(security ? { security } : {}),
  };
}

/**
 * The command-line arguments that start a worker with these options (used by the supervisor).
 * Neither the web token nor the cluster security is among them: hand them over in
 * WEB_TOKEN_ENV and childSecurityEnvironment.
 */
export function workerArguments(options: Omit<WorkerOptions, 'webToken'>): string[] {
  return [
    '--brokers',
    options.brokers.join(','),
    '--group',
    options.group,
    '--input',
    options.inputTopic,
    '--output',
    options.outputTopic,
    '--data-dir',
    options.dataDir,
    '--web-port',
    String(options.webPort),
    '--web-host',
    options.webHost,
    '--log-level',
    options.logLevel,
    '--worker-id',
    options.workerId,
    '--session-timeout',
    String(options.sessionTimeoutMs),
    '--transform',
    options.transform,
    ...(options.clientConfig ? ['--client-config', options.clientConfig] : []),
    ...(options.reconnectTimeoutMs === null
      ? []
      : ['--reconnect-timeout', String(options.reconnectTimeoutMs / 1000)]),
  ];
}
