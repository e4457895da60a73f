// The settings of a local KRaft node (combined broker + controller), alone or one of a small
// cluster on this machine, and the log4j2 configuration that sends its log to stdout, which the
// broker manager writes to a file. How many copies topics get follows from the cluster's size.

export interface BrokerConfigOptions {
  /** this node's own data dir (its log.dirs live under it) */
  dataDir: string;
  host: string;
  nodeId: number;
  port: number;
  controllerPort: number;
  /** every node's controller port by node id, this one included: the KRaft voters */
  voters: { nodeId: number; controllerPort: number }[];
}

/** Copies a new topic gets, and how many must have a write before acks=all succeeds. */
export function replicationOf(nodes: number): { factor: number; minInSync: number } {
  const factor = Math.min(nodes, 3);
  return { factor, minInSync: Math.max(1, factor - 1) };
}

export function renderServerProperties(options: BrokerConfigOptions): string {
  const { host, port, controllerPort, voters } = options;
  const { factor, minInSync } = replicationOf(voters.length);
  const settings: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': options.nodeId,
    'controller.quorum.voters': voters
      .map((voter) => `${voter.nodeId}@${host}:${voter.controllerPort}`)
      .join(','),
    listeners: `PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${host}:${port}`,
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
  return (
    Object.entries(settings)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n') + '\n'
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
