// Which failures of the worker's Kafka clients mean "the broker is gone for now" — a wait, not
// an end — and the capped exponential backoff between attempts to reach it again. A lost
// broker shows up as refused or closed connections, timed-out requests, no group coordinator,
// no partition leader, or kafkajs giving up after its retries of any of these.

/** kafkajs errors that say the broker (or the part of it we need) is unreachable right now. */
const BROKER_LOSS_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSLockTimeout',
]);

/**
 * true when the error, or one it wraps, is a lost or restarting broker: a connection failure,
 * or a kafkajs error it calls retriable — a protocol answer such as COORDINATOR_NOT_AVAILABLE,
 * NOT_COORDINATOR, LEADER_NOT_AVAILABLE or REQUEST_TIMED_OUT, or one kafkajs wraps a
 * coordinator move in (a KafkaJSError with no type). A deleted topic also answers retriably
 * (UNKNOWN_TOPIC_OR_PARTITION): the reconnect attempt checks the topics for that.
 */
export function isBrokerLoss(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (BROKER_LOSS_NAMES.has(cause.name)) return true;
    const retriable = (cause as Error & { retriable?: unknown }).retriable === true;
    if (retriable && cause.name.startsWith('KafkaJS')) return true;
  }
  return false;
}

/** Delays from `firstMs`, doubling up to `maxMs`; back to `firstMs` after reset(). */
export class ReconnectBackoff {
  private nextMs: number;

  constructor(
    private readonly firstMs = 500,
    private readonly maxMs = 5_000,
  ) {
    this.nextMs = firstMs;
  }

  next(): number {
    const delay = this.nextMs;
    this.nextMs = Math.min(this.maxMs, this.nextMs * 2);
    return delay;
  }

  reset(): void {
    this.nextMs = this.firstMs;
  }
}
