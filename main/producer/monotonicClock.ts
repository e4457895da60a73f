// The time source for pacing and progress: monotonic milliseconds, replaceable in tests.

export interface Clock {
  /** milliseconds on a clock that never goes backwards */
  now(): number;
}

export const monotonicClock: Clock = { now: () => performance.now() };
