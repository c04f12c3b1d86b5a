import { extractIndicators } from '../formats/index.ts';
import type { IndicatorType } from '../model/index.ts';
import { normalise, normaliseCidr } from '../normalise/index.ts';
import type { IndicatorQuery } from '../store/store.ts';

export type SearchTerms = Pick<IndicatorQuery, 'values' | 'within' | 'containing' | 'under'>;

/**
 * What a search box means by what was typed: an IP finds itself, ip:port
 * and URLs on it, and the CIDRs that hold it; a CIDR finds everything
 * inside; a domain finds itself and everything below it; anything else is
 * looked up exactly. Pasted text with many indicators (defanged or not)
 * searches for all of them. Returns undefined if nothing searchable was given.
 */
export function interpretSearch(text: string): SearchTerms | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const single = /\s/.test(trimmed) ? undefined : normalise(trimmed);
  if (single?.ok) return termsFor(single.type, single.value);
  if (single && /\//.test(trimmed) && !trimmed.includes('://')) {
    const cidr = normaliseCidr(trimmed);
    if (cidr.ok) return termsFor(cidr.type, cidr.value);
  }
  const found = extractIndicators(trimmed);
  if (found.length === 0) return undefined;
  if (found.length === 1) return termsFor(found[0]!.type, found[0]!.value);
  // a pasted list: exact lookups of every value keep the answer precise
  return { values: found.map((item) => ({ type: item.type, value: item.value })) };
}

function termsFor(type: IndicatorType, value: string): SearchTerms {
  switch (type) {
    case 'ipv4':
    case 'ipv6':
      return { within: value, containing: value };
    case 'cidr':
      return { within: value };
    case 'domain':
    case 'hostname':
      return { under: value };
    default:
      return { values: [{ type, value }] };
  }
}
