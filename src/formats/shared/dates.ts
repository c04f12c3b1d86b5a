const ISO_LIKE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i;
const DAY_FIRST = /^(\d{2})[-/.](\d{2})[-/.](\d{4})$/;

/**
 * Feed timestamps as epoch ms. Dates without a zone are UTC, as every feed
 * tix reads writes them. `dayFirst` reads DD-MM-YYYY (ViriBack). Returns
 * undefined for anything else, so callers can report the field.
 */
export function parseFeedDate(text: string, options: { dayFirst?: boolean } = {}): number | undefined {
  const trimmed = text.trim();
  const iso = ISO_LIKE.exec(trimmed);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = iso;
    const ms = Number(frac.padEnd(3, '0').slice(0, 3));
    let time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
    if (!validParts(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s))) return undefined;
    if (zone && zone !== 'Z' && zone.toUpperCase() !== 'UTC') {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      time -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    }
    return time >= 0 ? time : undefined;
  }
  if (options.dayFirst) {
    const dmy = DAY_FIRST.exec(trimmed);
    if (dmy && validParts(Number(dmy[3]), Number(dmy[2]), Number(dmy[1]), 0, 0, 0)) {
      return Date.UTC(Number(dmy[3]), Number(dmy[2]) - 1, Number(dmy[1]));
    }
  }
  return undefined;
}

function validParts(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}
