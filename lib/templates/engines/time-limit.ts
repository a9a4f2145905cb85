import vm from 'node:vm';

/**
 * Time limit of one render of a version (all of its parts), in milliseconds of wall-clock time.
 * NOTE: the watchdog of `node:vm` measures wall-clock time, so a long garbage-collection pause or
 * a starved CPU counts against a render too.
 */
export const RENDER_TIMEOUT_MS = 100;

/** Thrown when a task runs longer than its time limit. */
export class TimeLimitExceededError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = 'TimeLimitExceededError';
  }
}

const RUN_TASK = new vm.Script('__task()', { filename: 'scaisend-time-limit.vm' });

/** Reports whether `error` is the timeout error of `node:vm` (code `ERR_SCRIPT_EXECUTION_TIMEOUT`). */
export function isVmTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
}

/**
 * Runs synchronous host code under the watchdog of `node:vm`. The watchdog terminates whatever
 * JavaScript the thread is running once the timeout passes, including host functions called from
 * the script, so a Handlebars render that loops over nested data stops too. The context contains
 * nothing but the task.
 */
export class TimeLimit {
  private readonly context = vm.createContext(Object.create(null) as object, { codeGeneration: { strings: false, wasm: false } });

  constructor(readonly timeoutMs: number = RENDER_TIMEOUT_MS) {}

  /** Runs `task` and returns its result; throws {@link TimeLimitExceededError} when it runs too long. */
  run<T>(task: () => T): T {
    this.context.__task = task;
    try {
      return RUN_TASK.runInContext(this.context, { timeout: this.timeoutMs }) as T;
    } catch (error) {
      if (isVmTimeout(error)) throw new TimeLimitExceededError(this.timeoutMs);
      throw error;
    } finally {
      this.context.__task = undefined;
    }
  }
}
