// The settings of a local KRaft node (combined broker + controller), alone or one of a small
// cluster on this machine, and the log4j2 configuration that sends its log to stdout, which the
// broker manager writes to a file. How many copies topics get follows from the cluster's size.
// An optional second listener speaks SASL_SSL with SCRAM, as managed clusters do.

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

/** A SASL_SSL listener beside the PLAINTEXT one (which brokers and tools keep using). */
export interface SecuredListener {
  port: number;
  /** PKCS#12 keystore holding the broker's certificate chain and private key */
  keystoreFile: string;
  keystorePassword: string;
  /** users stored when the storage is formatted, each for every mechanism */
  scramUsers: { username: string; password: string }[];
}

export const SCRAM_MECHANISMS: readonly ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

export interface BrokerConfigOptions {
  /** this node's own data dir (its log.dirs live under it) */
  dataDir: string;
  /** the address the listeners bind (0.0.0.0: every interface) */
  host: string;
  /** the name clients and the other nodes reach this node by (default: host) */
  advertisedHost?: string;
  nodeId: number;
  port: number;
  controllerPort: number;
  /** every node's controller port by node id, this one included: the KRaft voters */
  voters: { nodeId: number; controllerPort: number }[];
  securedListener?: SecuredListener;
}

/** Copies a new topic gets, and how many must have a write before acks=all succeeds. */
export function replicationOf(nodes: number): { factor: number; minInSync: number } {
  const factor = Math.min(nodes, 3);
  return { factor, minInSync: Math.max(1, factor - 1) };
}

export function renderServerProperties(options: BrokerConfigOptions): string {
  const { host, port, controllerPort, voters } = options;
  const advertised = options.advertisedHost ?? host;
  const { factor, minInSync } = replicationOf(voters.length);
  const settings: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': options.nodeId,
    'controller.quorum.voters': voters
      .map((voter) => `${voter.nodeId}@${advertised}:${voter.controllerPort}`)
      .join(','),
    listeners: `PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${advertised}:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': `${options.dataDir}/kraft-logs`,
    'num.partitions': 1,
    'default.replication.factor': factor,
    'min.insync.replicas': minInSync,
    'offsets.topic.replication.factor': factor,
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.replication.factor': factor,
    'transaction.state.log.min.isr': minInSync,
    'transaction.state.log.num.partitions': 10,
    'share.coordinator.state.topic.replication.factor': factor,
    'share.coordinator.state.topic.min.isr': minInSync,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': 'false',
    'log.retention.hours': 24,
    'log.segment.bytes': 256 * 1024 * 1024,
  };
  if (options.securedListener) {
    addSecuredListener(settings, host, advertised, options.securedListener);
  }
  return (
    Object.entries(settings)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n') + '\n'
  );
}

/** The SASL_SSL listener's settings added to the broker's (SCRAM over TLS, no authorizer). */
function addSecuredListener(
  settings: Record<string, string | number>,
  host: string,
  advertised: string,
  listener: SecuredListener,
): void {
  const prefix = 'listener.name.sasl_ssl';
  Object.assign(settings, {
    listeners: `${settings.listeners},SASL_SSL://${host}:${listener.port}`,
    'advertised.listeners': `${settings['advertised.listeners']},SASL_SSL://${advertised}:${listener.port}`,
    'listener.security.protocol.map': `${settings['listener.security.protocol.map']},SASL_SSL:SASL_SSL`,
    [`${prefix}.sasl.enabled.mechanisms`]: SCRAM_MECHANISMS.join(','),
    ...Object.fromEntries(
      SCRAM_MECHANISMS.map((mechanism) => [
        `${prefix}.${mechanism.toLowerCase()}.sasl.jaas.config`,
        'org.apache.kafka.common.security.scram.ScramLoginModule required;',
      ]),
    ),
    [`${prefix}.ssl.keystore.type`]: 'PKCS12',
    [`${prefix}.ssl.keystore.location`]: listener.keystoreFile,
    [`${prefix}.ssl.keystore.password`]: listener.keystorePassword,
    [`${prefix}.ssl.key.password`]: listener.keystorePassword,
  });
}

/** `kafka-storage format` arguments that store the listener's SCRAM users. */
export function scramFormatArguments(listener: SecuredListener | undefined): string[] {
  return (listener?.scramUsers ?? []).flatMap(({ username, password }) =>
    SCRAM_MECHANISMS.flatMap((mechanism) => [
      '--add-scram',
      `${mechanism}=[name=${username},password=${password}]`,
    ]),
  );
}

export const LOG4J2_CONFIG = `Configuration:
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Logger:
      - name: kafka.request.logger
        level: WARN
      - name: org.apache.kafka.controller
        level: WARN
      - name: kafka.log.LogCleaner
        level: WARN
      - name: state.change.logger
        level: WARN
    Root:
      level: INFO
      AppenderRef:
        - ref: STDOUT
`;
