// Turns what kafkajs throws while producing into one-line errors that say what to do.
import { EnvironmentError, InputError, isUserError, type UserError } from '../shared/errors';

interface KafkaLikeError {
  name?: string;
  type?: string;
  message?: string;
  retriable?: boolean;
  originalError?: unknown;
}

export interface DeliveryContext {
  brokers: string[];
  topic: string;
  rowsAcked: number;
}

export function describeDeliveryFailure(error: unknown, context: DeliveryContext): UserError {
  if (isUserError(error)) return error;
  const root = innermost(error);
  const where = `${context.rowsAcked} rows were acknowledged — fix the cause, then produce again with --resume`;
  switch (root.type) {
    case 'MESSAGE_TOO_LARGE':
    case 'RECORD_LIST_TOO_LARGE':
      return new InputError(
        `a message is larger than topic "${context.topic}" accepts (max.message.bytes); ` +
          `raise it with kafka-configs or produce fewer columns; ${where}`,
        { cause: error },
      );
    case 'UNKNOWN_TOPIC_OR_PARTITION':
      return new InputError(`topic "${context.topic}" disappeared while producing; ${where}`, {
        cause: error,
      });
    case 'TOPIC_AUTHORIZATION_FAILED':
    case 'CLUSTER_AUTHORIZATION_FAILED':
      return new EnvironmentError(
        `the cluster does not allow writing to "${context.topic}"; ${where}`,
        { cause: error },
      );
  }
  const reason = root.message ?? String(error);
  return new EnvironmentError(
    `broker at ${context.brokers.join(',')} stopped accepting rows (${reason}); ${where}`,
    { cause: error },
  );
}

/** kafkajs wraps retried failures (KafkaJSNumberOfRetriesExceeded); the cause is inside. */
export function innermost(error: unknown): KafkaLikeError {
  let current = error as KafkaLikeError;
  for (let depth = 0; depth < 5 && current?.originalError; depth++) {
    current = current.originalError as KafkaLikeError;
  }
  return current ?? {};
}
