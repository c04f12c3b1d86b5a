const ISO_LIKE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i;
const DAY_FIRST = /^(\d{2})[-/.](\d{2})[-/.](\d{4})$/;

/**
 * Feed timestamps as epoch ms. Dates without a zone are UTC, as every feed
 * tix reads writes them. `dayFirst` reads DD-MM-YYYY (ViriBack). Returns
 * undefined for anything else, so callers can report the field.
 */
export function parseFeedDate(text: string, options: { dayFirst?: boolean } = {}): number | undefined {
  const plain = plainDateTime(text);
  if (plain !== undefined) return plain;
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

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * `YYYY-MM-DD HH:MM:SS` (UTC, from 1970), the form abuse.ch and most CSV feeds write, read by
 * character codes: it is read twice per row, and the general pattern costs several times more.
 * Anything else, or an invalid date, is left to the general reader (undefined).
 */
function plainDateTime(text: string): number | undefined {
  if (text.length !== 19 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 32 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) {
    return undefined;
  }
  const y = digits(text, 0, 4);
  const mo = digits(text, 5, 2);
  const d = digits(text, 8, 2);
  const h = digits(text, 11, 2);
  const mi = digits(text, 14, 2);
  const s = digits(text, 17, 2);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) return undefined;
  const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > DAYS_IN_MONTH[mo - 1]! + (leap ? 1 : 0)) return undefined;
  return daysSinceEpoch(y, mo, d) * 86_400_000 + h * 3_600_000 + mi * 60_000 + s * 1000;
}

/** The decimal number in `length` characters from `at`; -1 if one is not a digit. */
function digits(text: string, at: number, length: number): number {
  let value = 0;
  for (let i = at; i < at + length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (the civil-from-days inverse, as Date.UTC counts). */
function daysSinceEpoch(y: number, mo: number, d: number): number {
  const year = mo <= 2 ? y - 1 : y;
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function validParts(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}
