import { isValidEmailAddress } from '../mail/mail-send.address.js';

/** One address to import, with the row it came from. */
export interface CsvSuppressionRow {
  /** 1-based row number in the file, header and blank rows included, as a spreadsheet numbers rows. */
  row: number;
  /** Lowercase address. */
  email: string;
  reason: string | null;
}

/** A row that was not imported, and why. */
export interface CsvRowError {
  row: number;
  message: string;
}

/** The rows of an `email,reason` CSV file that can be imported, and the ones that cannot. */
export interface ParsedSuppressionCsv {
  rows: CsvSuppressionRow[];
  errors: CsvRowError[];
}

/** One CSV record: its fields, or the reason it could not be read. */
type CsvRecord = { row: number; fields: string[]; error?: undefined } | { row: number; fields?: undefined; error: string };

const HEADER_FIRST_FIELD = 'email';

/**
 * Parses an `email,reason` CSV file (RFC 4180: comma-separated, fields optionally in double
 * quotes with `""` for a quote, CRLF or LF line ends). A first row whose first field is
 * `email` is a header. Blank rows are skipped; every other row either becomes an import row
 * or an error naming its row number. A quoted field that never closes ends the file with an
 * error on the row where it opened.
 */
export function parseSuppressionCsv(text: string): ParsedSuppressionCsv {
  const rows: CsvSuppressionRow[] = [];
  const errors: CsvRowError[] = [];
  let seenContent = false;

  for (const record of readCsvRecords(text.replace(/^\uFEFF/, ''))) {
    if (record.error !== undefined) {
      errors.push({ row: record.row, message: record.error });
      continue;
    }
    if (record.fields.every((field) => field.trim() === '')) continue;

    const isFirstRow = !seenContent;
    seenContent = true;
    if (isFirstRow && record.fields[0].trim().toLowerCase() === HEADER_FIRST_FIELD) continue;

    const parsed = toSuppressionRow(record.row, record.fields);
    if ('message' in parsed) errors.push(parsed);
    else rows.push(parsed);
  }
  return { rows, errors };
}

function toSuppressionRow(row: number, fields: string[]): CsvSuppressionRow | CsvRowError {
  if (fields.length > 2) {
    return { row, message: `The row has ${fields.length} columns but the format is email,reason; put a reason that contains commas in double quotes.` };
  }

  const email = fields[0].trim();
  if (email === '') return { row, message: 'The email column is empty.' };
  if (!isValidEmailAddress(email)) return { row, message: `"${email}" is not a valid email address.` };

  const reason = fields[1]?.trim() ?? '';
  return { row, email: email.toLowerCase(), reason: reason === '' ? null : reason };
}

const UNCLOSED_QUOTE = 'A quoted field is not closed; the rest of the file was not read.';
const TEXT_AFTER_QUOTE = 'A closing double quote is followed by more text; quote the whole field and write a quote inside it as "".';

/** Splits CSV text into records; `row` counts records from 1, so a quoted line break stays in its row. */
function* readCsvRecords(text: string): Generator<CsvRecord> {
  let position = 0;
  let row = 0;

  while (position < text.length) {
    row += 1;
    const record = readRecord(text, position);
    if (record === null) {
      yield { row, error: UNCLOSED_QUOTE };
      return;
    }
    position = record.next;
    yield record.error ? { row, error: record.error } : { row, fields: record.fields };
  }
}

/** Reads the record that starts at `start`; null when a quoted field never closes. */
function readRecord(text: string, start: number): { fields: string[]; error?: string; next: number } | null {
  const fields: string[] = [];
  let position = start;

  for (;;) {
    // Spaces around a quoted field are tolerated, as in `a@example.com, "Mailbox full"`.
    const quoteStart = skipBlanks(text, position);
    if (text[quoteStart] === '"') {
      const quoted = readQuotedField(text, quoteStart + 1);
      if (quoted === null) return null;
      position = skipBlanks(text, quoted.end);
      if (!isFieldEnd(text, position)) return { fields, error: TEXT_AFTER_QUOTE, next: skipLineEnd(text, findLineEnd(text, position)) };
      fields.push(quoted.value);
    } else {
      const end = findFieldEnd(text, position);
      fields.push(text.slice(position, end));
      position = end;
    }

    if (text[position] !== ',') return { fields, next: skipLineEnd(text, position) };
    position += 1;
  }
}

/** Reads a quoted field from just after its opening quote; null when the closing quote is missing. */
function readQuotedField(text: string, start: number): { value: string; end: number } | null {
  let value = '';
  let position = start;
  for (;;) {
    const quote = text.indexOf('"', position);
    if (quote === -1) return null;
    value += text.slice(position, quote);
    if (text[quote + 1] === '"') {
      value += '"';
      position = quote + 2;
      continue;
    }
    return { value, end: quote + 1 };
  }
}

function isLineEnd(character: string | undefined): boolean {
  return character === '\n' || character === '\r';
}

function isFieldEnd(text: string, position: number): boolean {
  return position >= text.length || text[position] === ',' || isLineEnd(text[position]);
}

function skipBlanks(text: string, start: number): number {
  let position = start;
  while (text[position] === ' ' || text[position] === '\t') position += 1;
  return position;
}

function findFieldEnd(text: string, start: number): number {
  let position = start;
  while (!isFieldEnd(text, position)) position += 1;
  return position;
}

function findLineEnd(text: string, start: number): number {
  let position = start;
  while (position < text.length && !isLineEnd(text[position])) position += 1;
  return position;
}

function skipLineEnd(text: string, position: number): number {
  if (text[position] === '\r' && text[position + 1] === '\n') return position + 2;
  return isLineEnd(text[position]) ? position + 1 : position;
}
