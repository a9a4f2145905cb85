/** One `Name: value` field of a header block or of a report part, unfolded. */
export interface HeaderField {
  /** Field name in lower case. */
  name: string;
  value: string;
}

/**
 * Parses `Name: value` lines into fields, joining folded continuation lines (RFC 5322 2.2.3).
 * Lines that are neither fields nor continuations are skipped, because report parts written by
 * hand often contain stray text between fields.
 */
export function parseHeaderFields(text: string): HeaderField[] {
  const fields: HeaderField[] = [];
  for (const line of text.split(/\r?\n/)) {
    const last = fields[fields.length - 1];
    if (/^[ \t]/.test(line) && last) {
      last.value = `${last.value} ${line.trim()}`.trim();
      continue;
    }

    const match = /^([!-9;-~]+)[ \t]*:[ \t]*(.*)$/.exec(line);
    if (match) fields.push({ name: match[1].toLowerCase(), value: match[2].trim() });
  }
  return fields;
}

/**
 * Splits a report part into its groups of fields, which RFC 3464 separates with blank lines. A
 * field that repeats within a group also starts a new one, for MTAs that leave the lines out.
 */
export function splitFieldGroups(text: string): HeaderField[][] {
  const groups: HeaderField[][] = [];
  for (const block of text.split(/\r?\n[ \t]*\r?\n/)) {
    let group: HeaderField[] = [];
    for (const field of parseHeaderFields(block)) {
      if (group.some((known) => known.name === field.name)) {
        groups.push(group);
        group = [];
      }
      group.push(field);
    }
    if (group.length > 0) groups.push(group);
  }
  return groups;
}

/** Returns the value of the first field called `name` (any case), or null. */
export function fieldValue(fields: HeaderField[], name: string): string | null {
  const lower = name.toLowerCase();
  return fields.find((field) => field.name === lower)?.value ?? null;
}

/** Returns the header block of a message: the text before the first empty line. */
export function headerBlock(message: string): string {
  const end = /\r?\n\r?\n/.exec(message);
  return end ? message.slice(0, end.index) : message;
}

/**
 * Strips the address type of a DSN or ARF address field (`rfc822; a@b`) and the angle brackets,
 * and lowercases the address. Returns null when no address is left.
 */
export function addressOf(value: string | null): string | null {
  if (!value) return null;

  const withoutType = value.includes(';') ? value.slice(value.indexOf(';') + 1) : value;
  const bracketed = /<([^<>\s]+@[^<>\s]+)>/.exec(withoutType);
  const bare = /((?:"[^"]+"|[^\s<>"'(),;:[\]]+)@[^\s<>"'(),;:[\]]+[a-z0-9])/i.exec(withoutType);
  const address = bracketed?.[1] ?? bare?.[1];
  return address ? address.toLowerCase() : null;
}
