// Which worker failures are a lost broker (waited out) and which end the worker, built from
// kafkajs' own error classes as its clients throw them; and the reconnect backoff's delays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSGroupCoordinatorNotFound,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} from '../../main/broker/kafkajs';
import { isBrokerLoss, ReconnectBackoff } from '../../main/worker/brokerLoss';

/** A broker's error answer as kafkajs decodes it (src/protocol/error.js). */
function protocolError(type: string, retriable: boolean): Error {
  const answer = { message: `${type} answer`, type, code: 1, retriable };
  return new KafkaJSProtocolError(answer as unknown as Error);
}

/** kafkajs' typings leave out the message its constructor takes (src/errors.js) */
const CoordinatorNotFound = KafkaJSGroupCoordinatorNotFound as unknown as new (
  message: string,
) => Error;

test('a lost or restarting broker is healable, however kafkajs wraps it', () => {
  const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED');
  const healable: [string, Error][] = [
    ['connection refused', refused],
    ['no group coordinator', new CoordinatorNotFound('Failed to find group coordinator')],
    ['coordinator not available', protocolError('COORDINATOR_NOT_AVAILABLE', true)],
    ['leader not available', protocolError('LEADER_NOT_AVAILABLE', true)],
    ['request timed out', protocolError('REQUEST_TIMED_OUT', true)],
    [
      // kafkajs' consumer group wraps NOT_COORDINATOR in a bare retriable KafkaJSError
      'retries exceeded on a coordinator that moved',
      new KafkaJSNumberOfRetriesExceeded(new KafkaJSError(protocolError('NOT_COORDINATOR', true)), {
        retryCount: 3,
        retryTime: 2000,
      }),
    ],
    [
      'retries exceeded on a refused connection',
      new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 3, retryTime: 2000 }),
    ],
    ['an Error whose cause is a closed connection', new Error('send failed', { cause: refused })],
  ];
  for (const [what, error] of healable) assert.equal(isBrokerLoss(error), true, what);
});

test('what no reconnect heals is not a broker loss', () => {
  const fatal: [string, Error][] = [
    ['a producer fenced by another', protocolError('PRODUCER_FENCED', false)],
    ['authorization refused', protocolError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED', false)],
    ['a kafkajs state error', new KafkaJSNonRetriableError('Transaction state exception')],
    [
      'retries exceeded on a non-retriable answer',
      new KafkaJSNumberOfRetriesExceeded(protocolError('INVALID_TXN_STATE', false), {
        retryCount: 0,
        retryTime: 0,
      }),
    ],
    ['a retriable error that is not kafkajs', Object.assign(new Error('odd'), { retriable: true })],
    ['a bug', new TypeError('cannot read properties of undefined')],
    ['not an error at all', 'ECONNREFUSED' as unknown as Error],
  ];
  for (const [what, error] of fatal) assert.equal(isBrokerLoss(error), false, what);
});

test('the backoff doubles from 0.5 s to at most 5 s and starts over after a reset', () => {
  const backoff = new ReconnectBackoff();
  const delays = Array.from({ length: 7 }, () => backoff.next());
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 5000, 5000, 5000]);
  backoff.reset();
  assert.equal(backoff.next(), 500);
});
