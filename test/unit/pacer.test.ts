// Pacers on a fake clock: the rate pacer holds N rows/s with only small bursts; the event-time
// pacer spaces rows by their timestamps divided by the speed, and a replay of a file's timestamp
// column (read the way the producer reads it) sends each row on its hand-computed schedule.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as arrow from 'apache-arrow';
import { RowCodec } from '../../main/parquet/rowCodec';
import { EventTimePacer } from '../../main/producer/eventTimePacer';
import type { Clock } from '../../main/producer/monotonicClock';
import { RatePacer } from '../../main/producer/ratePacer';
import { eventTimesOf } from '../../main/producer/replayTimes';

class FakeClock implements Clock {
  constructor(public time = 1_000) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

/** Runs a sender that sends whenever allowed and sleeps as told, jittering its wake-ups. */
function simulate(rate: number, seconds: number, jitter: (step: number) => number): number[] {
  const clock = new FakeClock();
  const pacer = new RatePacer(rate, clock);
  const sentAt: number[] = [];
  const end = clock.time + seconds * 1000;
  for (let step = 0; clock.time < end; step++) {
    const granted = pacer.take(Number.MAX_SAFE_INTEGER);
    for (let i = 0; i < granted; i++) sentAt.push(clock.time);
    clock.advance(Math.max(pacer.waitMs(), 0.001) + jitter(step));
  }
  return sentAt;
}

/** How many of the ascending times come before `time` (binary search). */
function countBefore(sorted: number[], time: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < time) low = middle + 1;
    else high = middle;
  }
  return low;
}

function maxDeviation(sentAt: number[], rate: number, windowMs: number, from: number, to: number) {
  let worst = 0;
  for (let start = from; start + windowMs <= to; start += 250) {
    // sentAt ascends: the simulated clock only moves forward
    const inWindow = countBefore(sentAt, start + windowMs) - countBefore(sentAt, start);
    worst = Math.max(
      worst,
      Math.abs(inWindow - (rate * windowMs) / 1000) / ((rate * windowMs) / 1000),
    );
  }
  return worst;
}

describe('RatePacer', () => {
  it('holds the rate within 2% over every 10 s window with punctual wake-ups', () => {
    for (const rate of [1, 7, 250, 1000, 50_000]) {
      const sentAt = simulate(rate, 40, () => 0);
      assert.ok(maxDeviation(sentAt, rate, 10_000, 1_000, 41_000) <= 0.02, `rate ${rate}`);
    }
  });

  it('makes up for late wake-ups (timer lag, GC pauses up to 200 ms) without drifting', () => {
    const lag = (step: number) => (step % 97 === 0 ? 200 : (step * 7919) % 5);
    for (const rate of [100, 1000, 20_000]) {
      const sentAt = simulate(rate, 40, lag);
      assert.ok(maxDeviation(sentAt, rate, 10_000, 1_000, 41_000) <= 0.02, `rate ${rate}`);
    }
  });

  it('bursts at most a quarter second of rows after a long stall', () => {
    const clock = new FakeClock();
    const pacer = new RatePacer(1000, clock);
    pacer.take(1);
    clock.advance(5_000);
    assert.equal(pacer.waitMs(), 0, 'no negative wait with tokens to spare');
    assert.equal(pacer.take(Number.MAX_SAFE_INTEGER), 250);
    assert.ok(pacer.waitMs() > 0);
  });

  it('gives no credit for a pause after restart()', () => {
    const clock = new FakeClock();
    const pacer = new RatePacer(10, clock);
    assert.equal(pacer.take(5), 1);
    clock.advance(60_000);
    pacer.restart();
    assert.equal(pacer.take(5), 1);
    assert.equal(pacer.waitMs(), 100);
  });

  it('rejects a rate that is not a positive number, naming it', () => {
    for (const rate of [0, -5, Infinity, NaN]) {
      assert.throws(() => new RatePacer(rate, new FakeClock()), {
        name: 'RangeError',
        message: `rate must be a positive number (got ${rate})`,
      });
    }
  });

  it('lets a row go at once when a whole token is there, and not before', () => {
    const clock = new FakeClock();
    const pacer = new RatePacer(125, clock); // one row every 8 ms (exact in binary)
    assert.equal(pacer.take(1), 1);
    assert.equal(pacer.waitMs(), 8);
    clock.advance(7);
    assert.equal(pacer.take(1), 0);
    clock.advance(1);
    assert.equal(pacer.waitMs(), 0);
    assert.equal(pacer.take(3), 1, 'one token accrued, one row');
  });
});

describe('EventTimePacer', () => {
  it('spaces rows by the gap between their timestamps divided by the speed', () => {
    const clock = new FakeClock();
    const pacer = new EventTimePacer(2, clock);
    pacer.schedule(10_000);
    assert.equal(pacer.waitMs(), 0);
    pacer.schedule(12_000); // 2 s later in event time, at speed 2 → 1 s
    assert.equal(pacer.waitMs(), 1_000);
    clock.advance(1_000);
    pacer.schedule(12_000); // same time → immediately
    assert.equal(pacer.waitMs(), 0);
    pacer.schedule(13_000);
    assert.equal(pacer.waitMs(), 500);
  });

  it('does not drift when a row is sent late', () => {
    const clock = new FakeClock();
    const pacer = new EventTimePacer(1, clock);
    pacer.schedule(0);
    pacer.schedule(100);
    clock.advance(130); // woke 30 ms late
    pacer.schedule(200);
    assert.equal(pacer.waitMs(), 70);
  });

  it('sends rows without a time or going back in time immediately', () => {
    const clock = new FakeClock();
    const pacer = new EventTimePacer(1, clock);
    pacer.schedule(5_000);
    pacer.schedule(null);
    assert.equal(pacer.waitMs(), 0);
    pacer.schedule(4_000);
    assert.equal(pacer.waitMs(), 0);
    pacer.schedule(4_500); // gap measured from the previous row with a time
    assert.equal(pacer.waitMs(), 500);
  });

  it('measures the gap after a row without a time from the row before it', () => {
    const clock = new FakeClock();
    const pacer = new EventTimePacer(1, clock);
    pacer.schedule(0);
    pacer.schedule(null);
    assert.equal(pacer.waitMs(), 0);
    pacer.schedule(1_000);
    assert.equal(pacer.waitMs(), 1_000);
  });

  it('a row with a time after rows without one goes at once, times before 1970 too', () => {
    const clock = new FakeClock();
    const pacer = new EventTimePacer(1, clock);
    pacer.schedule(null);
    pacer.schedule(5_000);
    assert.equal(pacer.waitMs(), 0, 'no gap is measured from a row without a time');
    const early = new EventTimePacer(1, clock);
    early.schedule(-5_000);
    early.schedule(null);
    assert.equal(early.waitMs(), 0);
    early.schedule(-4_000);
    assert.equal(early.waitMs(), 1_000);
  });

  it('a pause before the first row does not delay it', () => {
    const clock = new FakeClock();
    const pacer = new EventTimePacer(1, clock);
    pacer.shift(10_000);
    pacer.schedule(0);
    assert.equal(pacer.waitMs(), 0);
  });

  it('rejects a speed that is not a positive number, naming it', () => {
    for (const speed of [0, -1, Infinity, NaN]) {
      assert.throws(() => new EventTimePacer(speed, new FakeClock()), {
        name: 'RangeError',
        message: `speed must be a positive number (got ${speed})`,
      });
    }
  });

  it('moves the schedule by the length of a pause', () => {
    const clock = new FakeClock();
    const pacer = new EventTimePacer(1, clock);
    pacer.schedule(0);
    pacer.schedule(1_000);
    clock.advance(400);
    pacer.shift(10_000);
    assert.equal(pacer.waitMs(), 10_600);
  });
});

describe('replay by event time', () => {
  /** Sends rows the way the producer does: schedule, sleep until due (waking `lateMs` late). */
  function replay(times: (number | null)[], speed: number, lateMs: (row: number) => number) {
    const clock = new FakeClock(0);
    const pacer = new EventTimePacer(speed, clock);
    const sentAt: number[] = [];
    times.forEach((time, row) => {
      pacer.schedule(time);
      for (let wait = pacer.waitMs(); wait > 0; wait = pacer.waitMs()) {
        clock.advance(wait + lateMs(row));
      }
      sentAt.push(clock.time);
    });
    return sentAt;
  }

  // an 'Issue Date' column as the producer reads it: epoch milliseconds through the codec
  const issueDates = [
    Date.UTC(2017, 0, 1, 0, 0, 0),
    Date.UTC(2017, 0, 1, 0, 0, 2),
    Date.UTC(2017, 0, 1, 0, 0, 2),
    Date.UTC(2017, 0, 1, 0, 0, 5),
    null,
    Date.UTC(2017, 0, 1, 0, 0, 4), // earlier than its predecessor
    Date.UTC(2017, 0, 1, 0, 0, 10),
    Date.UTC(2017, 0, 1, 0, 1, 0),
  ];
  const table = new arrow.Table({
    'Issue Date': arrow.vectorFromArray(issueDates, new arrow.TimestampMillisecond()),
  });
  const times = eventTimesOf(
    new RowCodec(table.schema, { timestamps: 'epoch-ms' }),
    table,
    'Issue Date',
    0,
  );

  it("sends each row at (its time − the previous row's time) ÷ speed after the previous", () => {
    assert.deepEqual(times, issueDates);
    // at speed 2, by hand: 0, +2 s/2, +0, +3 s/2, no time, earlier, +6 s/2, +50 s/2
    assert.deepEqual(
      replay(times, 2, () => 0),
      [0, 1_000, 1_000, 2_500, 2_500, 2_500, 5_500, 30_500],
    );
    // at speed 5,000 (the integration test's), a minute of data takes 12 ms
    assert.deepEqual(
      replay(times, 5_000, () => 0),
      [0, 0.4, 0.4, 1, 1, 1, 2.2, 12.2],
    );
  });

  it('keeps to the schedule when the sender wakes up late', () => {
    // each wake-up 300 ms late: a row is late by at most that, and lateness does not add up
    assert.deepEqual(
      replay(times, 2, () => 300),
      [0, 1_300, 1_300, 2_800, 2_800, 2_800, 5_800, 30_800],
    );
  });
});
