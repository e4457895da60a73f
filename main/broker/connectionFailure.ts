// Why a client could not talk to the cluster, in one line: a refused login and an untrusted
// certificate say so and what to change; anything else reads as an unreachable broker.
import { EnvironmentError, InputError, type UserError } from '../shared/errors';
import { clusterSecurity, type ClusterSecurity } from './clusterSecurity';

interface FailureLike {
  name?: string;
  code?: string;
  message?: string;
  originalError?: unknown;
  cause?: unknown;
}

/** TLS verification failures (Node's error codes) that mean "this CA did not sign the broker". */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
]);

export function connectionFailure(
  brokers: string[],
  cause: unknown,
  security: ClusterSecurity = clusterSecurity(),
): UserError {
  const where = brokers.join(',');
  const chain = causes(cause);
  const login = chain.find(
    (error) =>
      error.name === 'KafkaJSSASLAuthenticationError' ||
      /SASL .*authentication failed|Invalid username or password/.test(error.message ?? ''),
  );
  if (login) {
    const sasl = security.sasl;
    const who = sasl ? ` as "${sasl.username}" (${sasl.mechanism})` : '';
    return new InputError(
      `authentication to ${where}${who} failed: wrong username or password — check them (sasl.jaas.config, or sasl.username and sasl.password)`,
      { cause, field: 'clientConfig' },
    );
  }
  const tls = chain.find((error) => error.code !== undefined && UNTRUSTED.has(error.code));
  if (tls) {
    return new InputError(
      `the certificate of the broker at ${where} is not trusted (${tls.code}) — set ssl.ca.location to the CA certificate that signed it`,
      { cause, field: 'clientConfig' },
    );
  }
  const hostname = chain.find((error) => error.code === 'ERR_TLS_CERT_ALTNAME_INVALID');
  if (hostname) {
    return new InputError(
      `the certificate of the broker at ${where} is for another host name — connect by a name the certificate lists`,
      { cause, field: 'clientConfig' },
    );
  }
  return new EnvironmentError(
    `broker at ${where} is not reachable — start the local broker ` +
      '(`parquet-streamer broker start`) or check the address',
    { cause },
  );
}

/** The error and what it wraps (kafkajs' originalError, Error.cause). */
function causes(error: unknown): FailureLike[] {
  const chain: FailureLike[] = [];
  for (let current = error as FailureLike | undefined; current && chain.length < 8;) {
    chain.push(current);
    current = (current.originalError ?? current.cause) as FailureLike | undefined;
  }
  return chain;
}
