// A Kafka client properties file (Kafka's own property names) → the brokers and the security the
// engine connects with. loadClientConfig reads the file; the rest is pure, with the text, its
// origin (for messages and relative paths) and the environment handed in. Every mistake is one
// line naming the file and the property.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../shared/errors';
import {
  kafkajsSecurity,
  type ClusterSecurity,
  type SaslMechanism,
  type SecurityProtocol,
} from './clusterSecurity';
import { parseBrokerList } from './kafkaClient';

export interface ClientConfig {
  brokers: string[];
  security: ClusterSecurity;
}

/** The SASL password when the properties file leaves it out (CLI: keep it out of the file). */
export const SASL_PASSWORD_VARIABLE = 'PARQUET_STREAMER_SASL_PASSWORD';

const PROTOCOLS: readonly SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];
const MECHANISMS: readonly SaslMechanism[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

const SUPPORTED = [
  'bootstrap.servers',
  'security.protocol',
  'sasl.mechanism',
  'sasl.mechanisms',
  'sasl.jaas.config',
  'sasl.username',
  'sasl.password',
  'ssl.ca.location',
  'ssl.certificate.location',
  'ssl.key.location',
  'ssl.key.password',
  'ssl.endpoint.identification.algorithm',
] as const;

/** Properties a Java client knows that this one does not, with what to write instead. */
const INSTEAD: Record<string, string> = {
  'ssl.truststore.location': 'ssl.ca.location with a PEM file',
  'ssl.keystore.location': 'ssl.certificate.location and ssl.key.location with PEM files',
};

/** Reads a client properties file (CLI --client-config). */
export function loadClientConfig(
  file: string,
  environment: NodeJS.ProcessEnv = process.env,
): ClientConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(
      `--client-config: cannot read ${file} (${(error as NodeJS.ErrnoException).code}) — give the path of a client properties file`,
      { field: 'clientConfig' },
    );
  }
  const config = clientConfigFrom(text, file, environment);
  kafkajsSecurity(config.security); // its certificate files must be readable
  return config;
}

/** Java properties text → key/value pairs (comments, `=`/`:`/space separators, `\` lines). */
export function parseProperties(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // a line ending in an odd number of backslashes continues on the next one
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i].replace(/^[ \t\f]+/, '');
    }
    const separator = /^((?:\\.|[^\\=: \t\f])*)[ \t\f]*[=:]?[ \t\f]*/.exec(line) as RegExpExecArray;
    entries.set(unescape(separator[1]), unescape(line.slice(separator[0].length)));
  }
  return entries;
}

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, escaped: string) => {
    if (escaped.length === 5) return String.fromCharCode(parseInt(escaped.slice(1), 16));
    return { t: '\t', n: '\n', r: '\r', f: '\f' }[escaped] ?? escaped;
  });
}

export interface JaasLogin {
  module: 'plain' | 'scram';
  username: string;
  password: string;
}

/**
 * `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";`
 * (or ScramLoginModule) → its module and credentials; `fail` gets what is wrong.
 */
export function parseJaasConfig(text: string, fail: (problem: string) => never): JaasLogin {
  const match = /^\s*([\w.$]+)\s+(required|requisite|sufficient|optional)\b(.*?);?\s*$/s.exec(text);
  if (!match) fail('write it as `<LoginModule class> required username="…" password="…";`');
  const [, loginModule, , rest] = match;
  const module = loginModule.endsWith('.PlainLoginModule')
    ? 'plain'
    : loginModule.endsWith('.ScramLoginModule')
      ? 'scram'
      : fail(
          `login module ${loginModule} is not supported — use PlainLoginModule or ScramLoginModule`,
        );
  const options = new Map<string, string>();
  const option = /\s*([\w.-]+)\s*=\s*(?:"((?:\\.|[^"\\])*)"|([^\s";]+))/gy;
  let at = 0;
  for (let found = option.exec(rest); found; found = option.exec(rest)) {
    options.set(found[1], found[2] !== undefined ? found[2].replace(/\\(.)/g, '$1') : found[3]);
    at = option.lastIndex;
  }
  if (rest.slice(at).trim() !== '') {
    fail(`cannot read "${rest.slice(at).trim()}" — write options as name="value"`);
  }
  const username = options.get('username');
  const password = options.get('password');
  if (!username || password === undefined) fail('give both username="…" and password="…"');
  return { module, username, password };
}

/**
 * The client configuration a properties file describes. `file` names the file in messages and
 * anchors relative certificate paths; a password left out comes from SASL_PASSWORD_VARIABLE.
 */
export function clientConfigFrom(
  text: string,
  file: string,
  environment: NodeJS.ProcessEnv = {},
): ClientConfig {
  return clientConfigFromEntries(
    parseProperties(text),
    { source: path.basename(file), baseDir: path.dirname(file) },
    environment,
  );
}

/**
 * The client configuration of Kafka properties from any source (a file, the app's connection
 * form): `source` names it in messages, `baseDir` anchors relative certificate paths.
 */
export function clientConfigFromEntries(
  properties: Map<string, string>,
  origin: { source: string; baseDir: string },
  environment: NodeJS.ProcessEnv = {},
): ClientConfig {
  const fail: (problem: string) => never = (problem) => {
    throw new InputError(`${origin.source}: ${problem}`, { field: 'clientConfig' });
  };
  const unknown = [...properties.keys()].filter(
    (key) => !(SUPPORTED as readonly string[]).includes(key),
  );
  if (unknown.length > 0) {
    const hints = unknown.filter((key) => INSTEAD[key]).map((key) => `${key}: use ${INSTEAD[key]}`);
    fail(
      `unsupported ${unknown.length === 1 ? 'property' : 'properties'} ${unknown.join(', ')} — ` +
        (hints.length > 0 ? hints.join('; ') : `supported: ${SUPPORTED.join(', ')}`),
    );
  }
  const get = (key: (typeof SUPPORTED)[number]) => properties.get(key)?.trim();

  const servers = get('bootstrap.servers');
  if (!servers) fail('bootstrap.servers is required (host:port,… of the cluster)');
  let brokers: string[] = [];
  try {
    brokers = parseBrokerList(servers);
  } catch (error) {
    fail(`bootstrap.servers: ${(error as Error).message}`);
  }

  const protocol = (get('security.protocol') ?? 'PLAINTEXT').toUpperCase() as SecurityProtocol;
  if (!PROTOCOLS.includes(protocol)) {
    fail(`security.protocol "${get('security.protocol')}" is not one of ${PROTOCOLS.join(', ')}`);
  }
  const usesSasl = protocol.startsWith('SASL_');
  const usesTls = protocol.endsWith('SSL');
  const given = (keys: string[]) => keys.filter((key) => properties.has(key));
  const misplaced = [
    ...(usesSasl ? [] : given(['sasl.mechanism', 'sasl.mechanisms', 'sasl.jaas.config'])),
    ...(usesSasl ? [] : given(['sasl.username', 'sasl.password'])),
    ...(usesTls ? [] : given(SUPPORTED.filter((key) => key.startsWith('ssl.')))),
  ];
  if (misplaced.length > 0) {
    fail(
      `${misplaced.join(', ')} do not apply to security.protocol=${protocol} — remove them or change the protocol`,
    );
  }

  const security: ClusterSecurity = { protocol };
  if (usesSasl) {
    const mechanismText = get('sasl.mechanism') ?? get('sasl.mechanisms');
    if (!mechanismText)
      fail(
        `sasl.mechanism is required for security.protocol=${protocol} (${MECHANISMS.join(', ')})`,
      );
    const mechanism = mechanismText.toUpperCase() as SaslMechanism;
    if (!MECHANISMS.includes(mechanism)) {
      fail(`sasl.mechanism "${mechanismText}" is not supported — use ${MECHANISMS.join(', ')}`);
    }
    security.sasl = { mechanism, ...credentials(properties, mechanism, environment, fail) };
  }
  if (usesTls) {
    const location = (key: string) => {
      const value = properties.get(key)?.trim();
      return value ? path.resolve(origin.baseDir, value) : undefined;
    };
    const certificateFile = location('ssl.certificate.location');
    const keyFile = location('ssl.key.location');
    if ((certificateFile === undefined) !== (keyFile === undefined)) {
      fail('a client certificate needs both ssl.certificate.location and ssl.key.location');
    }
    const hostnameCheck = get('ssl.endpoint.identification.algorithm') ?? 'https';
    if (hostnameCheck !== 'https' && hostnameCheck !== '') {
      fail('ssl.endpoint.identification.algorithm is "https" (check the host name) or empty');
    }
    security.tls = {
      caFile: location('ssl.ca.location'),
      certificateFile,
      keyFile,
      keyPassword: properties.get('ssl.key.password'),
      checkHostname: hostnameCheck === 'https',
    };
  }
  return { brokers, security };
}

/** Username and password from sasl.jaas.config, or sasl.username and sasl.password. */
function credentials(
  properties: Map<string, string>,
  mechanism: SaslMechanism,
  environment: NodeJS.ProcessEnv,
  fail: (problem: string) => never,
): { username: string; password: string } {
  const jaas = properties.get('sasl.jaas.config');
  if (jaas !== undefined) {
    if (properties.has('sasl.username') || properties.has('sasl.password')) {
      fail('give sasl.jaas.config or sasl.username/sasl.password, not both');
    }
    const login = parseJaasConfig(jaas, (problem) => fail(`sasl.jaas.config: ${problem}`));
    if ((login.module === 'plain') !== (mechanism === 'PLAIN')) {
      fail(
        `sasl.jaas.config uses ${login.module === 'plain' ? 'PlainLoginModule' : 'ScramLoginModule'} ` +
          `but sasl.mechanism is ${mechanism} — use ${mechanism === 'PLAIN' ? 'PlainLoginModule' : 'ScramLoginModule'}`,
      );
    }
    return { username: login.username, password: login.password };
  }
  const username = properties.get('sasl.username')?.trim();
  if (!username) fail('sasl.jaas.config (or sasl.username and sasl.password) is required for SASL');
  const password = properties.get('sasl.password') ?? environment[SASL_PASSWORD_VARIABLE];
  if (password === undefined || password === '') {
    fail(`sasl.password is missing — add it to the file or set ${SASL_PASSWORD_VARIABLE}`);
  }
  return { username, password };
}
