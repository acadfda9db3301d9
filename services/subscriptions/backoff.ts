export const FIRST_RETRY_MS = 1_000;
export const MAX_RETRY_MS = 5 * 60_000;

/**
 * Delay before the next attempt after `failures` failed deliveries in a row: 1 s doubling to
 * 5 min, each drawn from [delay/2, delay) so that many subscriptions to one failed receiver do
 * not all retry in the same instant. `random` is in [0, 1).
 */
export function retryDelay(failures: number, random: number): number {
  const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));
  return Math.floor(delay / 2 + (random * delay) / 2);
}
