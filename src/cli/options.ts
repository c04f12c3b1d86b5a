import { ConfigError } from '../errors.ts';
import { PAP_LEVELS, RELIABILITY_GRADES, parseIndicatorType, parseThreatType, parseTlp, type IndicatorType, type Pap, type Reliability, type ThreatType, type Tlp } from '../model/index.ts';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90s`, `15m`, `1h`, `7d`, `2w` → milliseconds. */
export function parseDuration(text: string, option: string): number {
  const match = /^(\d+)\s*([smhdw])$/i.exec(text.trim());
  if (!match) throw new ConfigError(`${option}: "${text}" is not a duration like 15m, 1h or 7d`);
  const ms = Number(match[1]) * UNITS[match[2]!.toLowerCase()]!;
  if (ms <= 0) throw new ConfigError(`${option}: the duration must be more than zero`);
  return ms;
}

export function parseTlpOption(text: string, option = '--tlp'): Tlp {
  const tlp = parseTlp(text);
  if (!tlp) throw new ConfigError(`${option}: "${text}" is not a TLP 2.0 level (clear, green, amber, amber+strict, red)`);
  return tlp;
}

export function parseConfidenceOption(text: string, option = '--confidence'): number {
  if (!/^\d{1,3}$/.test(text) || Number(text) > 100) throw new ConfigError(`${option}: "${text}" is not a number from 0 to 100`);
  return Number(text);
}

export function parseTypeOption(text: string): IndicatorType[] {
  return text.split(',').map((name) => {
    const type = parseIndicatorType(name);
    if (!type) throw new ConfigError(`--type: unknown indicator type "${name}"`);
    return type;
  });
}

export function parseThreatOption(text: string): ThreatType {
  const threat = parseThreatType(text);
  if (!threat) throw new ConfigError(`--threat: unknown threat type "${text}"`);
  return threat;
}

/** `value=ioc,first_seen=date` → { value: 'ioc', first_seen: 'date' }. */
export function parseMapOption(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--map: "${pair}" is not FIELD=COLUMN`);
    out[pair.slice(0, eq).trim().toLowerCase()] = pair.slice(eq + 1).trim();
  }
  return out;
}

/** A date (2024-01-31, ISO time) or an age (7d: that long before now). */
export function parseSince(text: string, now: number, option = '--since'): number {
  if (/^\d+\s*[smhdw]$/i.test(text.trim())) return now - parseDuration(text, option);
  return parseDate(text, option, 'neither a date nor an age like 7d');
}

/** A date (2024-01-31, ISO time) or a span from now (3d: that long after now), for deadlines and expiries. */
export function parseWhen(text: string, now: number, option: string): number {
  if (/^\d+\s*[smhdw]$/i.test(text.trim())) return now + parseDuration(text, option);
  return parseDate(text, option, 'neither a date nor a span like 3d');
}

function parseDate(text: string, option: string, what: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(ms)) throw new ConfigError(`${option}: "${text}" is ${what}`);
  return ms;
}

/** A whole number option (digits only: `1e3` and `2.5` are refused) from `min`, up to `max` when given. */
export function parseCount(text: string, option: string, min: number, max?: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || (max !== undefined && value > max)) {
    throw new ConfigError(`${option}: "${text}" is not a number ${max === undefined ? `of at least ${min}` : `from ${min} to ${max}`}`);
  }
  return value;
}

export function parseLimit(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 1_000_000) throw new ConfigError(`--limit: "${text}" is not a number from 1 to 1000000`);
  return Number(text);
}

export function parseReliabilityOption(text: string): Reliability[] {
  return text.split(',').map((grade) => {
    const upper = grade.trim().toUpperCase();
    if (!(RELIABILITY_GRADES as readonly string[]).includes(upper)) throw new ConfigError(`--reliability: "${grade}" is not one of A, B, C, X`);
    return upper as Reliability;
  });
}

export function parseAccuracyOption(text: string): number {
  if (!/^[1-4]$/.test(text.trim())) throw new ConfigError(`--max-accuracy: "${text}" is not a number from 1 to 4`);
  return Number(text);
}

export function parsePapOption(text: string): Pap {
  const level = text.trim().toLowerCase().replace(/^pap:/, '');
  if (!(PAP_LEVELS as readonly string[]).includes(level)) throw new ConfigError(`--max-pap: "${text}" is not one of clear, green, amber, red`);
  return level as Pap;
}
