import { cpus } from 'node:os';

/** Formats rows as a Markdown table; numbers keep the precision the caller gave them. */
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
