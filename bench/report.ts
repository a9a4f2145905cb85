import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Formats rows as a Markdown table. Numbers keep the precision the caller gave them. */
export function markdownTable(header: string[], rows: (string | number)[][]): string {
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

/** Mebibytes with one decimal. */
export function mebibytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

/** One line naming the CPU, its logical core count and the Node.js version. */
export function machineLine(): string {
  const cores = cpus();
  return `${cores[0]?.model ?? 'unknown CPU'}, ${cores.length} logical cores, Node.js ${process.version}`;
}

/** Parses a comma-separated list of positive integers, such as `1,16,64`. */
export function parseIntegerList(value: string, option: string): number[] {
  const numbers = value.split(',').map((part) => Number(part.trim()));
  if (numbers.length === 0 || !numbers.every((number) => Number.isInteger(number) && number > 0)) {
    throw new Error(`--${option} must be a comma-separated list of positive integers, got "${value}"`);
  }
  return numbers;
}

/** Parses a positive integer option. */
export function parsePositiveInteger(value: string, option: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new Error(`--${option} must be a positive integer, got "${value}"`);
  return number;
}

/** Busy and total CPU time of the whole machine, in clock ticks, from Linux's `/proc/stat`. */
export interface MachineCpuTimes {
  busy: number;
  total: number;
}

/** Reads the machine's CPU times, or null where `/proc/stat` does not exist. */
export function readMachineCpuTimes(): MachineCpuTimes | null {
  let stat: string;
  try {
    stat = readFileSync('/proc/stat', 'utf8');
  } catch {
    return null;
  }

  // First line: "cpu user nice system idle iowait irq softirq steal ...", summed over all cores.
  const ticks = (stat.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const total = ticks.reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

/** Average number of busy cores between two readings, or NaN without readings. */
export function busyCores(before: MachineCpuTimes | null, after: MachineCpuTimes | null): number {
  if (!before || !after || after.total === before.total) return Number.NaN;
  return ((after.busy - before.busy) / (after.total - before.total)) * cpus().length;
}
