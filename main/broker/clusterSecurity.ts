// How this process authenticates to its cluster: TLS and SASL, as a client properties file
// (clientProperties.ts), the app's connection form or a parent's environment describe it.
// A process talks to one cluster, so its security is set once where the process starts (a
// CLI command's --client-config, a worker's environment, the engine's connection) and every
// Kafka client built afterwards (kafkaClient.ts) uses it. Secrets stay out of argv and logs:
// child workers get them in CHILD_SECURITY_VARIABLE, readable only by the same user.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import { InputError } from '../shared/errors';

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
export type SaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export interface ClusterSecurity {
  protocol: SecurityProtocol;
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
  /** PEM files (absolute paths); no CA file trusts the system's certificate authorities */
  tls?: {
    caFile?: string;
    certificateFile?: string;
    keyFile?: string;
    keyPassword?: string;
    checkHostname: boolean;
  };
}

/** A parent hands its security to child workers in this variable (JSON), never in argv. */
export const CHILD_SECURITY_VARIABLE = 'PARQUET_STREAMER_CLUSTER_SECURITY';

const PLAINTEXT: ClusterSecurity = { protocol: 'PLAINTEXT' };
let current: ClusterSecurity = PLAINTEXT;

/** Sets the security every Kafka client of this process uses from now on. */
export function useClusterSecurity(security: ClusterSecurity): void {
  current = security;
}

export function clusterSecurity(): ClusterSecurity {
  return current;
}

/** The environment entry that hands `security` to a child worker (none for plain text). */
export function childSecurityEnvironment(security: ClusterSecurity): Record<string, string> {
  return security.protocol === 'PLAINTEXT'
    ? {}
    : { [CHILD_SECURITY_VARIABLE]: JSON.stringify(security) };
}

/** The security a parent handed down in `environment`, if any. */
export function inheritedSecurity(environment: NodeJS.ProcessEnv): ClusterSecurity | undefined {
  const text = environment[CHILD_SECURITY_VARIABLE];
  return text ? (JSON.parse(text) as ClusterSecurity) : undefined;
}

/** kafkajs' `ssl` and `sasl` client options for `security`. */
export function kafkajsSecurity(security: ClusterSecurity): {
  ssl?: ConnectionOptions;
  sasl?: SASLOptions;
} {
  const { sasl } = security;
  return {
    ssl: tlsOptions(security),
    sasl: sasl && {
      mechanism: sasl.mechanism.toLowerCase() as 'plain',
      username: sasl.username,
      password: sasl.password,
    },
  };
}

function tlsOptions(security: ClusterSecurity): ConnectionOptions | undefined {
  const { tls } = security;
  if (!tls) return undefined;
  const read = (file: string, property: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new InputError(
        `${property}: cannot read ${file} (${(error as NodeJS.ErrnoException).code}) — give a readable PEM file`,
        { field: 'clientConfig' },
      );
    }
  };
  return {
    ca: tls.caFile ? read(tls.caFile, 'ssl.ca.location') : undefined,
    cert: tls.certificateFile ? read(tls.certificateFile, 'ssl.certificate.location') : undefined,
    key: tls.keyFile ? read(tls.keyFile, 'ssl.key.location') : undefined,
    passphrase: tls.keyPassword,
    rejectUnauthorized: true,
    ...(tls.checkHostname ? {} : { checkServerIdentity: () => undefined }),
  };
}
