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
  it('waits for the next send time', () => {
    expect(heldRetryDelayMs(45_000, DELAYS, ACCEPTED, ACCEPTED, DAY)).toBe(45_000);
  });

  it('waits the first delay without a send time', () => {
    expect(heldRetryDelayMs(0, DELAYS, ACCEPTED, ACCEPTED, DAY)).toBe(60_000);
  });

  it('ends when the wait would pass the maximum age', () => {
    const now = new Date(ACCEPTED.getTime() + (DAY - 30) * 1000);

    expect(heldRetryDelayMs(45_000, DELAYS, ACCEPTED, now, DAY)).toBeNull();
  });
});
