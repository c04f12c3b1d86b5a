import { ConfigError, InputError } from '../errors.ts';
import { countryOf } from '../enrich/countries.ts';

/** A multi-country operation: where, when, under which agreement, with whom. */
export interface Operation {
  id: number;
  name: string;
  /** ISO 3166-1 alpha-2, upper case, sorted. */
  countries: string[];
  startsAt: number;
  endsAt: number;
  /** The agreement the operation's data is shared under. */
  agreement?: number;
  /** Partner organisations taking part. */
  partners: number[];
  /** Observations tagged with this (or `tag:CC`) are in scope whatever their location. */
  tag: string;
  createdAt: number;
}

export type NewOperation = Omit<Operation, 'id' | 'createdAt'>;

export const OUTCOME_KINDS = ['takedown', 'site-removed', 'notification', 'arrest', 'loss'] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

/** Something that came of an operation, in one country, on one date. */
export interface Outcome {
  id: number;
  kind: OutcomeKind;
  country: string;
  at: number;
  /** How many (servers, sites, notifications, arrests); 1 for a loss. */
  count: number;
  /** For losses: the estimated amount. */
  amount?: number;
  currency?: string;
  note?: string;
}

export type NewOutcome = Omit<Outcome, 'id'>;

/** Country codes as given (`ke, NG`), checked against ISO 3166-1; unknown ones are one error naming them all. */
export function parseCountries(text: string, field = '--countries'): string[] {
  const codes = text
    .split(/[\s,]+/)
    .map((code) => code.trim())
    .filter(Boolean);
  if (!codes.length) throw new InputError('TIX_OP_BAD_COUNTRY', `${field}: no country codes given`, { field });
  const unknown = codes.filter((code) => code.length !== 2 || !countryOf(code));
  if (unknown.length) {
    throw new InputError('TIX_OP_BAD_COUNTRY', `${field}: not ISO 3166-1 alpha-2 country codes: ${unknown.join(', ')}`, { field, value: unknown.join(',') });
  }
  return [...new Set(codes.map((code) => code.toUpperCase()))].sort();
}

/** A date (YYYY-MM-DD) or timestamp (ISO 8601) as epoch ms. */
export function parseDate(text: string, field: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Date.parse(text);
  if (!Number.isFinite(ms)) throw new ConfigError(`${field}: not a date (got "${text.slice(0, 40)}"); use YYYY-MM-DD or an ISO 8601 timestamp`);
  return ms;
}

/** Checks a new operation: a name, known countries, a window that ends after it starts. */
export function checkOperation(operation: NewOperation): NewOperation {
  if (!/^[\w.-]{1,64}$/.test(operation.name)) throw new ConfigError(`operation name "${operation.name.slice(0, 40)}": use 1-64 letters, digits, dots, dashes or underscores`);
  parseCountries(operation.countries.join(','));
  if (operation.endsAt <= operation.startsAt) {
    throw new InputError('TIX_OP_BAD_WINDOW', `operation ${operation.name}: it ends (${new Date(operation.endsAt).toISOString()}) before it starts (${new Date(operation.startsAt).toISOString()})`, { field: '--to' });
  }
  return operation;
}

/** Checks an outcome against its operation: a known kind, one of its countries, a date within reason. */
export function checkOutcome(operation: Operation, outcome: NewOutcome): NewOutcome {
  if (!(OUTCOME_KINDS as readonly string[]).includes(outcome.kind)) throw new ConfigError(`outcome kind must be one of ${OUTCOME_KINDS.join(', ')} (got "${outcome.kind}")`);
  const [country] = parseCountries(outcome.country, '--country');
  if (!operation.countries.includes(country!)) {
    throw new InputError('TIX_OP_BAD_COUNTRY', `--country: ${country} is not one of operation ${operation.name}'s countries (${operation.countries.join(', ')})`, { field: '--country', value: country });
  }
  if (!Number.isInteger(outcome.count) || outcome.count < 0) throw new ConfigError(`--count must be a whole number ≥ 0 (got ${outcome.count})`);
  if (outcome.kind === 'loss' && (outcome.amount === undefined || !(outcome.amount >= 0))) throw new ConfigError('a loss needs --amount (≥ 0)');
  return { ...outcome, country: country! };
}

/**
 * The country an item counts for in an operation, or undefined when it is
 * out of scope: a tag `TAG:CC` names it; otherwise the item's located country,
 * if it is one of the operation's; a bare `TAG` brings an item in even when
 * it is located elsewhere or nowhere (`ZZ`: unlocated).
 */
export function scopeCountry(operation: Pick<Operation, 'countries' | 'tag'>, country: string | undefined, tags: readonly string[]): string | undefined {
  const tag = operation.tag.toLowerCase();
  let tagged = false;
  for (const raw of tags) {
    const value = raw.toLowerCase();
    if (value === tag) tagged = true;
    else if (value.length === tag.length + 3 && value.startsWith(`${tag}:`)) {
      const code = value.slice(-2).toUpperCase();
      if (operation.countries.includes(code)) return code;
    }
  }
  if (country && operation.countries.includes(country)) return country;
  return tagged ? (country ?? 'ZZ') : undefined;
}
