/** The TAXII 2.1 media type, exactly as §1.6.8 spells it: responses carry it with its version. */
export const TAXII = 'application/taxii+json;version=2.1';
/** The STIX 2.1 media type: what collections hold (§5.2.1), also acceptable on the manifest (§5.3). */
export const STIX = 'application/stix+json;version=2.1';

const TAXII_TYPE = 'application/taxii+json';
const STIX_TYPE = 'application/stix+json';

interface MediaRange {
  type: string;
  params: string[];
}

/** The media ranges of an Accept header, or the media type of a Content-Type, without whitespace, lower case. */
function ranges(header: string | undefined): MediaRange[] {
  return (header ?? '')
    .split(',')
    .map((range) => range.replace(/\s+/g, '').toLowerCase())
    .filter(Boolean)
    .map((range) => {
      const [type = '', ...params] = range.split(';');
      return { type, params };
    });
}

/** No version parameter means the latest (2.1); otherwise it must say 2.1 (quoted or not). */
function isVersion21(params: readonly string[]): boolean {
  const version = params.find((param) => param.startsWith('version='));
  return version === undefined || version.replace(/"/g, '') === 'version=2.1';
}

/**
 * Whether an Accept header names TAXII 2.1 (§1.6.8: every request MUST carry
 * a TAXII media range), or for the manifest also STIX 2.1. Wildcards do not
 * name a TAXII version, so they are refused like any foreign type (406).
 */
export function acceptsTaxii(accept: string | undefined, alsoStix = false): boolean {
  const types = alsoStix ? [TAXII_TYPE, STIX_TYPE] : [TAXII_TYPE];
  // q=0 says "not acceptable" (RFC 9110 §12.4.2)
  return ranges(accept).some((range) => types.includes(range.type) && isVersion21(range.params) && !range.params.some((param) => /^q=0(\.0{0,3})?$/.test(param)));
}

/** Whether a Content-Type is TAXII 2.1 (a POST body, §5.5); anything else is a 415. */
export function isTaxiiContent(contentType: string | undefined): boolean {
  const [range, ...rest] = ranges(contentType);
  return rest.length === 0 && range !== undefined && range.type === TAXII_TYPE && isVersion21(range.params);
}
