// The paced stream's waits on the real clock: at 50,000 rows/s a row is due every 0.02 ms, and
// the producer used to wake for each (a timer a millisecond, each sending what was due). It
// now wakes at most every 5 ms and sends what came due meanwhile, still at the rate asked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { monotonicClock } from '../../main/producer/monotonicClock';
import { StreamPacing } from '../../main/producer/streamPacing';

test('a fast pace wakes at most every 5 ms and holds its rate', async () => {
  const rate = 50_000;
  const rows = 10_000;
  const pacing = new StreamPacing(monotonicClock);
  pacing.start({ ratePerSecond: rate });
  let waits = 0;
  const started = performance.now();
  let immediate = 0;
  for (let row = 0; row < rows; row++) {
    if (pacing.turnNow(null)) {
      immediate++;
      continue;
    }
    await pacing.awaitTurn(
      () => false,
      async () => {
        waits++;
      },
    );
  }
  const elapsed = performance.now() - started;
  // a timer of 5 ms never fires sooner, so the waits fit in the time taken 5 ms at a time
  assert.ok(waits <= elapsed / 5 + 1, `${waits} waits in ${elapsed.toFixed(1)} ms`);
  // the bucket starts with one row and refills at the rate: 10,000 rows take at least 200 ms
  assert.ok(elapsed >= ((rows - 1) / rate) * 1000, `${rows} rows in ${elapsed.toFixed(1)} ms`);
  assert.ok(waits > 0, 'the pace made the rows wait');
  // each wake-up finds about 5 ms of rows due (250): all but the first of them go at once
  assert.ok(immediate > rows / 2, `${immediate} of ${rows} rows went without a wait`);
});
