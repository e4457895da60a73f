// Integration tests share one real broker that the test harness (test/harness.ts) starts per
// run through the broker manager and announces in PS_TEST_BROKERS. A test run without it fails
// loudly instead of skipping.
import { randomUUID } from 'node:crypto';

export function testBrokers(): string[] {
  const brokers = process.env.PS_TEST_BROKERS;
  if (!brokers) {
    throw new Error(
      'PS_TEST_BROKERS is not set: run the suite with `npm test` (it starts a broker)',
    );
  }
  return brokers.split(',');
}

/** A topic or group name no other test uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
