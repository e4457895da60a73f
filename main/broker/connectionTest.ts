// "Test connection" in the app: the connection form's fields, read as the Kafka properties they
// stand for (one validation with --client-config files), then one real request that lists the
// cluster's brokers. Nothing is kept: the process's own connection does not change.
import { InputError } from '../shared/errors';
import { createLogger } from '../shared/logger';
import { clientConfigFromEntries, type ClientConfig } from './clientProperties';
import { connectionFailure } from './connectionFailure';
import { createKafka } from './kafkaClient';

export interface ConnectionForm {
  bootstrapServers: string;
  securityProtocol: string;
  saslMechanism?: string;
  username?: string;
  password?: string;
  /** PEM file of the CA that signed the brokers' certificates (default: the system's CAs) */
  caFile?: string;
}

/** The form as a client configuration; mistakes are one line naming the property. */
export function connectionFormConfig(form: ConnectionForm): ClientConfig {
  const entries = new Map<string, string>([
    ['bootstrap.servers', form.bootstrapServers],
    ['security.protocol', form.securityProtocol],
  ]);
  const sasl = form.securityProtocol.startsWith('SASL_');
  if (sasl && form.saslMechanism) entries.set('sasl.mechanism', form.saslMechanism);
  if (sasl && form.username) entries.set('sasl.username', form.username);
  if (sasl && form.password) entries.set('sasl.password', form.password);
  if (form.securityProtocol.endsWith('SSL') && form.caFile) {
    entries.set('ssl.ca.location', form.caFile);
  }
  if (sasl && !form.password) {
    throw new InputError('connection: the password is missing — type it in the form', {
      field: 'password',
    });
  }
  if (form.caFile && !form.caFile.startsWith('/')) {
    throw new InputError('connection: ssl.ca.location must be an absolute path', {
      field: 'caFile',
    });
  }
  return clientConfigFromEntries(entries, { source: 'connection', baseDir: '/' });
}

/** Connects with the form's settings and returns the brokers the cluster describes. */
export async function testConnection(form: ConnectionForm): Promise<string[]> {
  const { brokers, security } = connectionFormConfig(form);
  const admin = createKafka({
    brokers,
    security,
    clientId: 'parquet-streamer-connection-test',
    logger: createLogger('connection-test', () => undefined),
    retries: 1,
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.map((broker) => `${broker.host}:${broker.port}`);
  } catch (error) {
    throw connectionFailure(brokers, error, security);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
