import { heldRetryDelayMs, nextRetryDelaySeconds } from './delivery-schedule.js';

const ACCEPTED = new Date('2026-12-04T00:00:00Z');
const DELAYS = [60, 300, 900];
const DAY = 86_400;

describe('nextRetryDelaySeconds', () => {
  it('follows the schedule after each deferral', () => {
    expect(nextRetryDelaySeconds(1, DELAYS, ACCEPTED, ACCEPTED, DAY)).toBe(60);
    expect(nextRetryDelaySeconds(2, DELAYS, ACCEPTED, ACCEPTED, DAY)).toBe(300);
    expect(nextRetryDelaySeconds(3, DELAYS, ACCEPTED, ACCEPTED, DAY)).toBe(900);
  });

  it('repeats the last delay', () => {
    expect(nextRetryDelaySeconds(9, DELAYS, ACCEPTED, ACCEPTED, DAY)).toBe(900);
  });

  it('ends when the next attempt would pass the maximum age', () => {
    const now = new Date(ACCEPTED.getTime() + (DAY - 600) * 1000);

    expect(nextRetryDelaySeconds(4, DELAYS, ACCEPTED, now, DAY)).toBeNull();
  });
});

describe('heldRetryDelayMs', () => {
  const noJitter = (): number => 0;

  it('starts at the first delay', () => {
    expect(heldRetryDelayMs(0, 1, DELAYS, ACCEPTED, ACCEPTED, DAY, noJitter)).toBe(60_000);
  });

  it('doubles with each held try up to the last delay', () => {
    expect([2, 3, 4, 9].map((tries) => heldRetryDelayMs(0, tries, DELAYS, ACCEPTED, ACCEPTED, DAY, noJitter))).toEqual([120_000, 240_000, 480_000, 900_000]);
  });

  it('waits at least for the next send time', () => {
    expect(heldRetryDelayMs(75_000, 1, DELAYS, ACCEPTED, ACCEPTED, DAY, noJitter)).toBe(75_000);
  });

  it('adds up to a fifth at random', () => {
    expect(heldRetryDelayMs(0, 1, DELAYS, ACCEPTED, ACCEPTED, DAY, () => 0.999)).toBe(71_988);
  });

  it('ends when the wait would pass the maximum age', () => {
    const now = new Date(ACCEPTED.getTime() + (DAY - 30) * 1000);

    expect(heldRetryDelayMs(0, 1, DELAYS, ACCEPTED, now, DAY, noJitter)).toBeNull();
  });
});
