import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { THREAT_TYPES } from '../model/index.ts';
import { readAsnCsv } from './asn-csv.ts';
import { countryOf, countryOfNumeric } from './countries.ts';
import { lookupIp } from './enricher.ts';
import { ipv4Number, ipv4Text } from './ip.ts';
import { findV4, findV6, RangeBuilder } from './ranges.ts';
import { RSIT, rsitOf } from './rsit.ts';
import { decodeSnapshot, encodeSnapshot } from './snapshot.ts';

const ip = ipv4Number;

describe('IP ranges', () => {
  const builder = new RangeBuilder();
  builder.addV4(ip('10.0.0.0'), ip('10.0.0.255'), 1);
  builder.addV4(ip('1.0.0.0'), ip('1.0.0.255'), 0);
  builder.addV4(ip('10.0.1.0'), ip('10.0.1.255'), 1); // merges with the first
  builder.addV4(ip('10.0.0.128'), ip('10.0.0.200'), 2); // starts inside an earlier range: dropped
  builder.addV4(ip('255.255.255.0'), ip('255.255.255.255'), 3);
  builder.addV6(0x20010db8n << 96n, (0x20010db8n << 96n) + (1n << 96n) - 1n, 4);
  const ranges = builder.finish();

  it('sorts, merges neighbours with one value and drops overlaps', () => {
    assert.deepEqual([...ranges.v4Start].map(ipv4Text), ['1.0.0.0', '10.0.0.0', '255.255.255.0']);
    assert.deepEqual([...ranges.v4End].map(ipv4Text), ['1.0.0.255', '10.0.1.255', '255.255.255.255']);
  });

  it('finds the range of an address, at its edges too, and nothing between ranges', () => {
    assert.equal(findV4(ranges, ip('1.0.0.0')), 0);
    assert.equal(findV4(ranges, ip('1.0.0.255')), 0);
    assert.equal(findV4(ranges, ip('1.0.1.0')), -1);
    assert.equal(findV4(ranges, ip('0.0.0.0')), -1);
    assert.equal(findV4(ranges, ip('10.0.1.17')), 1);
    assert.equal(findV4(ranges, ip('10.0.2.0')), -1);
    assert.equal(findV4(ranges, ip('255.255.255.255')), 3);
    assert.equal(findV6(ranges, 0x20010db8n << 32n, 5n), 4);
    assert.equal(findV6(ranges, 0x20010db9n << 32n, 0n), -1);
  });

  it('parses dotted quads strictly', () => {
    assert.equal(ip('255.255.255.255'), 4294967295);
    for (const bad of ['1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', 'a.b.c.d', '1.2.3.4 ', '']) assert.equal(ip(bad), -1, bad);
  });

  it('survives a snapshot unchanged, and a snapshot of other files is refused', () => {
    const tables = { geo: { ranges, countries: ['AU', 'KE', 'NG', 'ZZ', 'DE'], source: { name: 'test', builtAt: 5 } } };
    const buffer = encodeSnapshot(tables, 'key-1');
    const back = decodeSnapshot(buffer, 'key-1');
    assert.ok(back?.geo);
    assert.deepEqual(back.geo.source, tables.geo.source);
    for (const address of ['1.0.0.9', '10.0.1.2', '9.9.9.9', '255.255.255.1', '2001:db8::1', '2001:db9::1']) {
      assert.deepEqual(lookupIp(back, address), lookupIp(tables, address), address);
    }
    assert.equal(decodeSnapshot(buffer, 'key-2'), undefined);
    assert.equal(decodeSnapshot(Buffer.from('nonsense'), 'key-1'), undefined);
  });
});

describe('ASN CSV', () => {
  it('reads text and numeric rows, quoted names, and reports bad rows by line and field', () => {
    const table = readAsnCsv([
      {
        name: 'asn.csv',
        lines: ['1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."', '16778240,16779263,38803,Gtelecom Pty Ltd', 'x.0.0.0,1.0.0.1,5,Bad', '1.0.4.0,1.0.3.0,5,Backwards', '1.0.8.0,1.0.8.255,ASX,NoNumber', '2001::,2001::ffff,6939,Hurricane Electric LLC'],
      },
    ]);
    assert.deepEqual(table.issues.map((issue) => `${issue.file}:${issue.line}:${issue.field}`), ['asn.csv:3:start', 'asn.csv:4:end', 'asn.csv:5:asn']);
    const tables = { asn: { ...table, source: { name: 't' } } };
    assert.deepEqual(lookupIp(tables, '1.0.0.7'), { asn: 13335, asOrg: 'Cloudflare, Inc.' });
    assert.deepEqual(lookupIp(tables, '1.0.5.1'), { asn: 38803, asOrg: 'Gtelecom Pty Ltd' });
    assert.deepEqual(lookupIp(tables, '2001::12'), { asn: 6939, asOrg: 'Hurricane Electric LLC' });
    assert.deepEqual(lookupIp(tables, '1.0.8.1'), {});
  });
});

describe('vocabularies', () => {
  it('maps every threat type onto an RSIT class', () => {
    for (const type of THREAT_TYPES) assert.match(rsitOf(type), /^[a-z-]+\/[a-z0-9-]+$/, type);
    assert.equal(Object.keys(RSIT).length, THREAT_TYPES.length);
    assert.equal(rsitOf('c2'), 'malicious-code/c2-server');
    assert.equal(rsitOf(undefined), 'other/undetermined');
  });

  it('knows ISO country codes by alpha-2 and numeric code', () => {
    assert.equal(countryOf('ng')?.numeric, '566');
    assert.equal(countryOfNumeric('566')?.code, 'NG');
    assert.equal(countryOfNumeric('36')?.code, 'AU');
    assert.equal(countryOf('XX'), undefined);
  });
});
