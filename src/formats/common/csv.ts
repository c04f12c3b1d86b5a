/**
 * Splits one CSV record. Handles double-quoted fields with "" escapes and
 * the whitespace abuse.ch puts after separators (`"a", "b"`). Returns
 * undefined for an unterminated quote: a truncated row.
 */
export function splitCsvLine(line: string, separator = ','): string[] | undefined {
  const fields: string[] = [];
  let position = 0;
  const length = line.length;
  for (;;) {
    while (position < length && line[position] === ' ') position++;
    if (line[position] === '"') {
      let value = '';
      position++;
      for (;;) {
        const quote = line.indexOf('"', position);
        if (quote < 0) return undefined;
        value += line.slice(position, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          position = quote + 2;
        } else {
          position = quote + 1;
          break;
        }
      }
      while (position < length && line[position] === ' ') position++;
      fields.push(value);
      if (position >= length) return fields;
      if (line[position] !== separator) {
        // text after a closing quote: keep it, as lenient readers do
        const next = line.indexOf(separator, position);
        fields[fields.length - 1] += line.slice(position, next < 0 ? length : next);
        if (next < 0) return fields;
        position = next;
      }
      position++;
    } else {
      const next = line.indexOf(separator, position);
      if (next < 0) {
        fields.push(line.slice(position).trim());
        return fields;
      }
      fields.push(line.slice(position, next).trim());
      position = next + 1;
    }
  }
}

/** Column name → index, from a header record; names are lowercased and trimmed. */
export function headerIndex(fields: string[]): Map<string, number> {
  const index = new Map<string, number>();
  fields.forEach((name, i) => index.set(name.trim().toLowerCase(), i));
  return index;
}
