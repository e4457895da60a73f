// How long the supervisor waits before restarting a crashed worker: doubling from initialMs up
// to maxMs with each consecutive crash; a worker that ran for stableAfterMs starts again at zero.

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** an incarnation that lived this long resets the count of consecutive crashes */
  stableAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  initialMs: 500,
  maxMs: 30_000,
  stableAfterMs: 30_000,
};

/** Delay before restart number `consecutiveCrashes` (1 for the first crash in a row). */
export function restartDelayMs(
  consecutiveCrashes: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  const exponent = Math.max(0, consecutiveCrashes - 1);
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(exponent, 30));
}

/** The count of consecutive crashes after an incarnation that lived `livedMs` crashed. */
export function nextCrashCount(
  previous: number,
  livedMs: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  return livedMs >= policy.stableAfterMs ? 1 : previous + 1;
}
