import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TixError } from '../errors.ts';
import type { ScopeRow } from '../store/operations.ts';
import { checkOperation, checkOutcome, parseCountries, parseDate, scopeCountry, type Operation } from './operation.ts';
import { ItemGrouper, listOf, summarise } from './package/items.ts';

const OP: Operation = { id: 1, name: 'surge', countries: ['KE', 'NG'], startsAt: Date.UTC(2026, 0, 1), endsAt: Date.UTC(2026, 4, 1), partners: [], tag: 'surge', createdAt: 0 };
const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return (error as TixError).code;
  }
  return 'none';
};

describe('operations', () => {
  it('reads country codes in any case, and names every unknown one', () => {
    assert.deepEqual(parseCountries('ng, ke,NG'), ['KE', 'NG']);
    assert.throws(() => parseCountries('KE,XX,Nigeria'), /not ISO 3166-1 alpha-2 country codes: XX, Nigeria/);
    assert.equal(code(() => parseCountries('')), 'TIX_OP_BAD_COUNTRY');
  });

  it('refuses a window that ends before it starts, and a bad date', () => {
    assert.equal(code(() => checkOperation({ ...OP, endsAt: OP.startsAt - 1 })), 'TIX_OP_BAD_WINDOW');
    assert.equal(code(() => checkOperation({ ...OP, name: 'two words' })), 'TIX_CONFIG_BAD_OPTION');
    assert.equal(code(() => parseDate('2026-13-45', '--from')), 'TIX_CONFIG_BAD_OPTION');
    assert.equal(parseDate('2026-03-01', '--from'), Date.UTC(2026, 2, 1));
    assert.equal(checkOperation(OP).name, 'surge');
  });

  it('checks outcomes against the operation', () => {
    assert.equal(checkOutcome(OP, { kind: 'arrest', country: 'ke', at: 1, count: 3 }).country, 'KE');
    assert.equal(code(() => checkOutcome(OP, { kind: 'arrest', country: 'GH', at: 1, count: 3 })), 'TIX_OP_BAD_COUNTRY');
    assert.equal(code(() => checkOutcome(OP, { kind: 'loss', country: 'NG', at: 1, count: 1 })), 'TIX_CONFIG_BAD_OPTION');
    assert.equal(code(() => checkOutcome(OP, { kind: 'party' as 'arrest', country: 'NG', at: 1, count: 1 })), 'TIX_CONFIG_BAD_OPTION');
  });

  it('places an item by its TAG:CC tag, then its location, and a bare tag brings in the unlocated', () => {
    assert.equal(scopeCountry(OP, 'NG', []), 'NG');
    assert.equal(scopeCountry(OP, 'US', []), undefined);
    assert.equal(scopeCountry(OP, 'US', ['surge:KE']), 'KE');
    assert.equal(scopeCountry(OP, 'US', ['surge:GH']), undefined);
    assert.equal(scopeCountry(OP, undefined, ['Surge']), 'ZZ');
    assert.equal(scopeCountry(OP, 'NG', ['other']), 'NG');
  });
});

describe('package items', () => {
  const row = (id: number, source: string, extra: Partial<ScopeRow> = {}): ScopeRow => ({
    id,
    type: 'ipv4',
    value: `192.0.2.${id}`,
    firstSeen: 1,
    lastSeen: 2,
    addedAt: 10 * id,
    country: 'KE',
    source,
    tags: [],
    tlp: 'clear',
    ...extra,
  });

  it('merges a value whose rows straddle two batches, and keeps the strictest TLP', () => {
    const grouper = new ItemGrouper(OP);
    grouper.add([row(1, 'a', { threatType: 'c2', malware: 'Pikabot', asn: 64500 }), row(2, 'a')]);
    grouper.add([row(2, 'b', { tlp: 'amber', malware: 'Emotet', threatType: 'botnet' }), row(3, 'a', { country: 'US' }), row(4, 'a', { country: 'NG', type: 'url', value: 'http://x.example/', threatType: 'phishing' })]);
    const byCountry = grouper.finish();
    assert.deepEqual([...byCountry.keys()], ['KE', 'NG']);
    const [first, second] = byCountry.get('KE')!;
    assert.equal(first!.list, 'c2');
    assert.deepEqual(second!.sources, ['a', 'b']);
    assert.equal(second!.tlp, 'amber');
    assert.equal(second!.list, 'malicious-ip');
    assert.equal(byCountry.get('NG')![0]!.list, 'phishing');
    const summary = summarise('KE', byCountry.get('KE')!, 15);
    assert.equal(summary.newSinceLast, 1);
    assert.deepEqual(summary.topAsns, [{ asn: 64500, org: '', count: 1 }]);
    assert.deepEqual(summary.byList, { c2: 1, phishing: 0, 'malicious-ip': 1, other: 0 });
  });

  it('sorts values into lists: C2 first, phishing for URLs and names, malicious IPs, the rest', () => {
    assert.equal(listOf('url', ['c2', 'phishing']), 'c2');
    assert.equal(listOf('ipv4', ['phishing']), 'malicious-ip');
    assert.equal(listOf('sha256', ['malware']), 'other');
  });
});
