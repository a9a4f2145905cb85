/** Source of the current time, replaceable so tests and hosts can control it. */
export interface Clock {
  now(): Date;
}

/** The system clock. */
export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}
