import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { Reader } from 'mmdb-lib';
import { loadTables } from '../ops/enrich-data.ts';
import { FEEDS } from '../../test/helpers/cli.ts';
import { enrichValue, ipOf, lookupIp } from './enricher.ts';
import { ipv4Number, ipv6Halves } from './ip.ts';

const require = createRequire(import.meta.url);
const GEO_DIR = dirname(require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/package.json'));
const ASN_DIR = dirname(require.resolve('@ip-location-db/asn/package.json'));

/**
 * Public IPs from real feeds (Feodo C2s, Cobalt Strike servers, Tor exits);
 * the feeds hold no IPv6, so public resolvers' IPv6 addresses stand in.
 */
function feedIps(): string[] {
  const feodo = readFileSync(join(FEEDS, 'abuse.ch', 'feodotracker-ipblocklist.csv'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('"2'))
    .map((line) => line.split(',')[1]!.replaceAll('"', ''));
  const list = (name: string, every: number): string[] =>
    readFileSync(join(FEEDS, 'criticalpathsecurity', name), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line, i) => line && !line.startsWith('#') && i % every === 0);
  return [...feodo, ...list('cobaltstrike_ips.txt', 10), ...list('tor-exit.txt', 10), '2001:4860:4860::8888', '2606:4700:4700::1111', '2620:fe::fe', '2a02:6b8::feed:0ff'];
}

/** The ASN CSV (text form) searched line by line: slow and obviously right. */
function asnByScan(ip: string, rows: Array<[bigint, bigint, number, string]>): { asn: number; org: string } | undefined {
  const halves = ipv6Halves(ip);
  const key = ipv4Number(ip) >= 0 ? BigInt(ipv4Number(ip)) : halves ? (halves[0] << 64n) | halves[1] : -1n;
  const row = rows.find(([start, end]) => start <= key && key <= end);
  return row && { asn: row[2], org: row[3] };
}

function csvRows(file: string): Array<[bigint, bigint, number, string]> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [start, end, asn, ...org] = line.split(',');
      const key = (text: string): bigint => {
        const v4 = ipv4Number(text);
        if (v4 >= 0) return BigInt(v4);
        const [hi, lo] = ipv6Halves(text)!;
        return (hi << 64n) | lo;
      };
      return [key(start!), key(end!), Number(asn), org.join(',').replace(/^"|"$/g, '').replaceAll('""', '"')];
    });
}

describe('enrichment against the data packages themselves', () => {
  const { tables } = loadTables();
  const ips = feedIps();

  it('reads real feed IPs, v4 and v6', () => {
    assert.ok(ips.length > 500, `${ips.length} IPs`);
    assert.ok(ips.some((ip) => ip.includes(':')), 'some IPv6 addresses');
  });

  it('gives every feed IP the country the MMDB reader gives', () => {
    const reader = new Reader(readFileSync(join(GEO_DIR, 'geo-whois-asn-country.mmdb')));
    let compared = 0;
    for (const ip of ips) {
      assert.equal(lookupIp(tables, ip).country, (reader.get(ip) as { country_code?: string } | null)?.country_code, ip);
      compared++;
    }
    assert.equal(compared, ips.length);
  });

  it('gives every feed IP the AS a line-by-line scan of the ASN CSV gives', () => {
    const rows = [...csvRows(join(ASN_DIR, 'asn-ipv4.csv')), ...csvRows(join(ASN_DIR, 'asn-ipv6.csv'))];
    for (const ip of ips) {
      const expected = asnByScan(ip, rows);
      const found = lookupIp(tables, ip);
      assert.equal(found.asn, expected?.asn, ip);
      assert.equal(found.asOrg ?? '', expected?.org ?? '', ip);
    }
  });

  it('names the data source and its build date', () => {
    assert.match(tables.geo!.source.name, /geo-whois-asn-country/);
    assert.match(tables.asn!.source.name, /asn/);
    assert.ok(tables.geo!.source.builtAt! > Date.UTC(2020, 0, 1));
    assert.ok(tables.asn!.source.builtAt! > Date.UTC(2020, 0, 1));
  });

  it('enriches URLs on a literal IP and gives host names their registrable domain', () => {
    const direct = lookupIp(tables, '197.210.0.1');
    assert.deepEqual(enrichValue(tables, 'url', 'http://197.210.0.1:8080/gate.php'), direct);
    assert.deepEqual(enrichValue(tables, 'ip-port', '197.210.0.1:443'), direct);
    assert.deepEqual(enrichValue(tables, 'hostname', 'a.b.evil.co.uk'), { registrable: 'evil.co.uk' });
    assert.deepEqual(enrichValue(tables, 'url', 'https://login.secure-bank.com.br/x'), { registrable: 'secure-bank.com.br' });
    assert.deepEqual(enrichValue(tables, 'sha256', 'a'.repeat(64)), {});
    assert.equal(ipOf('url', 'http://[2001:db8::1]/x'), '2001:db8::1');
    assert.equal(ipOf('cidr', '10.0.0.0/8'), '10.0.0.0');
  });
});
