import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { table } from '../../test/helpers/normalise-table.ts';
import type { IndicatorType } from '../model/index.ts';
import { enclosingCidrs } from './ip.ts';
import { indexKeys, indexKeysHex } from './keys.ts';
import { reversedHost } from './host.ts';
import { normalise } from './normalise.ts';


const ipv4 = (value: string) => ({ type: 'ipv4' as const, value });
const ipv6 = (value: string) => ({ type: 'ipv6' as const, value });
const cidr = (value: string) => ({ type: 'cidr' as const, value });
const ipPort = (value: string) => ({ type: 'ip-port' as const, value });

describe('normalise: IPv4', () => {
  table([
    ['1.2.3.4', undefined, ipv4('1.2.3.4')],
    ['  192.9.135.73  ', undefined, ipv4('192.9.135.73')],
    ['0.0.0.0', undefined, ipv4('0.0.0.0')],
    ['255.255.255.255', undefined, ipv4('255.255.255.255')],
    ['1.2.3.4', 'ipv4', ipv4('1.2.3.4')],
    ['58[.]60[.]184[.]214', undefined, ipv4('58.60.184.214')],
    ['999.1.1.1', undefined, /part 999 is over 255/],
    ['1.2.3.256', 'ipv4', /part 256 is over 255/],
    ['010.1.1.1', undefined, /leading zero/],
    ['1.2.3.04', 'ipv4', /leading zero/],
    ['1.2.3', undefined, /not an IPv4 address/],
    ['1.2.3', 'ipv4', /not an IPv4 address/],
    ['1.2.3.4.5', undefined, /not an IPv4 address/],
    ['1.2.3.x', 'ipv4', /not an IPv4 address/],
  ]);
});

describe('normalise: IPv6 in RFC 5952 form', () => {
  table([
    ['2001:DB8::1', undefined, ipv6('2001:db8::1')],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', undefined, ipv6('2001:db8::1')],
    // the longest run of zero groups is the one compressed ...
    ['2001:db8:0:0:1:0:0:0', undefined, ipv6('2001:db8:0:0:1::')],
    // ... the first of equally long runs ...
    ['2001:db8:0:0:1:0:0:1', undefined, ipv6('2001:db8::1:0:0:1')],
    // ... and a single zero group is never compressed
    ['2001:db8:0:1:1:1:1:1', undefined, ipv6('2001:db8:0:1:1:1:1:1')],
    ['0:0:0:0:0:0:0:1', undefined, ipv6('::1')],
    ['0:0:0:0:0:0:0:0', 'ipv6', ipv6('::')],
    ['[2001:db8::AB]', undefined, ipv6('2001:db8::ab')],
    ['2001:db8::1', 'ipv4', ipv6('2001:db8::1')],
    ['2001:db8::g', 'ipv6', /not an IPv6 address/],
    ['1:2:3:4:5:6:7:8:9', 'ipv6', /not an IPv6 address/],
    ['fe80::1%eth0', 'ipv6', /zone identifiers/],
  ]);
});

describe('normalise: IPv4-mapped IPv6 becomes the IPv4 address', () => {
  table([
    ['::ffff:1.2.3.4', undefined, ipv4('1.2.3.4')],
    ['::FFFF:102:304', undefined, ipv4('1.2.3.4')],
    ['0:0:0:0:0:ffff:c009:8749', 'ipv6', ipv4('192.9.135.73')],
    ['[::ffff:1.2.3.4]', undefined, ipv4('1.2.3.4')],
    // the embedded dotted quad obeys the IPv4 rules
    ['::ffff:010.1.1.1', undefined, /leading zero/],
    ['::ffff:1.2.3.256', 'ipv6', /not an IPv6 address/],
  ]);
});

describe('normalise: CIDR', () => {
  table([
    ['10.1.2.3/8', undefined, cidr('10.0.0.0/8')],
    ['192.168.1.77/24', 'cidr', cidr('192.168.1.0/24')],
    ['5.63.151.0/24', undefined, cidr('5.63.151.0/24')],
    ['1.2.3.4/0', undefined, cidr('0.0.0.0/0')],
    ['1.2.3.4/32', undefined, ipv4('1.2.3.4')],
    ['1.2.3.4/32', 'cidr', ipv4('1.2.3.4')],
    ['1.2.3.4', 'cidr', ipv4('1.2.3.4')],
    ['10.0.0.0/8', 'ipv4', cidr('10.0.0.0/8')],
    ['2001:DB8:1:2::ff/48', undefined, cidr('2001:db8:1::/48')],
    ['2001:db8::1/64', 'cidr', cidr('2001:db8::/64')],
    ['2001:db8::1/128', undefined, ipv6('2001:db8::1')],
    ['::ffff:1.2.3.0/120', undefined, cidr('1.2.3.0/24')],
    ['::ffff:1.2.3.4/128', 'cidr', ipv4('1.2.3.4')],
    ['::ffff:1.2.3.0/64', undefined, /prefix of at least 96/],
    ['1.2.3.4/33', undefined, /\/33 is longer than 32/],
    ['2001:db8::1/129', undefined, /\/129 is longer than 128/],
    ['2001:db8::/129', 'cidr', /\/129 is longer than 128/],
    ['999.1.1.0/24', undefined, /over 255 before the "\/"/],
    ['1.2.3.0/x', 'cidr', /prefix length is not a number/],
    ['1.2.3.4/', 'cidr', /prefix length is not a number/],
  ]);
});

describe('normalise: ip:port', () => {
  table([
    ['1.2.3.4:443', undefined, ipPort('1.2.3.4:443')],
    ['1.2.3.4:0443', 'ip-port', ipPort('1.2.3.4:443')],
    ['1.2.3.4:65535', undefined, ipPort('1.2.3.4:65535')],
    ['1.2.3.4[:]80', undefined, ipPort('1.2.3.4:80')],
    ['[2001:db8::1]:8080', undefined, ipPort('[2001:db8::1]:8080')],
    ['[2001:DB8:0::1]:8080', 'ip-port', ipPort('[2001:db8::1]:8080')],
    ['[::ffff:1.2.3.4]:80', undefined, ipPort('1.2.3.4:80')],
    ['1.2.3.4:0', undefined, /port "0" is not a number from 1 to 65535/],
    ['1.2.3.4:70000', undefined, /port "70000" is not a number from 1 to 65535/],
    ['[2001:db8::1]:0', undefined, /port "0"/],
    ['999.1.1.1:80', undefined, /part 999 is over 255/],
    ['1.2.3:80', 'ip-port', /not an IPv4 address/],
    ['[2001:db8::1]8080', 'ip-port', /not an \[IPv6\]:port pair/],
    ['2001:db8::1:80', 'ip-port', /not an ip:port pair/],
    ['1.2.3.4', 'ip-port', /not an ip:port pair/],
  ]);
});

describe('enclosingCidrs', () => {
  it('lists every shorter network of an IPv4 address, longest prefix first', () => {
    const all = enclosingCidrs('1.2.3.4');
    assert.equal(all.length, 32);
    assert.deepEqual(all.slice(0, 3), ['1.2.3.4/31', '1.2.3.4/30', '1.2.3.0/29']);
    assert.equal(all[7], '1.2.3.0/24');
    assert.equal(all.at(-1), '0.0.0.0/0');
    assert.ok(!all.includes('1.2.3.4/32'), 'the address itself is an ipv4 value, not a CIDR');
  });

  it('keeps only the prefixes asked for, sorted, without the full length', () => {
    assert.deepEqual(enclosingCidrs('1.2.3.4', [8, 24, 32, 16]), ['1.2.3.0/24', '1.2.0.0/16', '1.0.0.0/8']);
    assert.deepEqual(enclosingCidrs('2001:db8:1:2::ff', [32, 128, 64, 48]), ['2001:db8:1:2::/64', '2001:db8:1::/48', '2001:db8::/32']);
  });

  it('covers all 128 prefixes of an IPv6 address', () => {
    const all = enclosingCidrs('2001:db8::1');
    assert.equal(all.length, 128);
    assert.equal(all[0], '2001:db8::/127');
    assert.equal(all.at(-1), '::/0');
  });

  it('names CIDRs that normalise to themselves', () => {
    for (const block of [...enclosingCidrs('192.9.135.73', [8, 16, 24, 30]), ...enclosingCidrs('2001:db8::1', [32, 64])]) {
      assert.deepEqual(normalise(block), { ok: true, type: 'cidr', value: block });
    }
  });
});

describe('indexKeys', () => {
  const inside = (key: Buffer, first: Buffer, last: Buffer): boolean => Buffer.compare(first, key) <= 0 && Buffer.compare(key, last) <= 0;

  it('gives an IPv4 address a one-address range and no host key', () => {
    const keys = indexKeys('ipv4', '1.2.3.4');
    assert.ok(keys.ipFirst && keys.ipLast);
    assert.ok(keys.ipFirst.equals(keys.ipLast));
    assert.equal(keys.hostKey, undefined);
    assert.ok(!keys.ipFirst.equals(indexKeys('ipv4', '1.2.3.5').ipFirst!));
  });

  it('gives a CIDR the range of its addresses, in the same key space as the addresses', () => {
    const block = indexKeys('cidr', '10.0.0.0/8');
    const [first, last] = [block.ipFirst!, block.ipLast!];
    assert.ok(first.equals(indexKeys('ipv4', '10.0.0.0').ipFirst!));
    assert.ok(last.equals(indexKeys('ipv4', '10.255.255.255').ipFirst!));
    for (const ip of ['10.0.0.0', '10.1.2.3', '10.255.255.255']) assert.ok(inside(indexKeys('ipv4', ip).ipFirst!, first, last), ip);
    for (const ip of ['9.255.255.255', '11.0.0.0', '1.2.3.4']) assert.ok(!inside(indexKeys('ipv4', ip).ipFirst!, first, last), ip);
    const v6 = indexKeys('cidr', '2001:db8::/32');
    assert.ok(inside(indexKeys('ipv6', '2001:db8:ffff::1').ipFirst!, v6.ipFirst!, v6.ipLast!));
    assert.ok(!inside(indexKeys('ipv6', '2001:db9::').ipFirst!, v6.ipFirst!, v6.ipLast!));
    assert.ok(!inside(indexKeys('ipv4', '10.1.2.3').ipFirst!, v6.ipFirst!, v6.ipLast!), 'families do not mix');
  });

  it('keys a URL on an IP, and an ip:port, by the address', () => {
    const ip = indexKeys('ipv4', '45.133.74.103');
    for (const keys of [indexKeys('url', 'http://45.133.74.103/x86'), indexKeys('ip-port', '45.133.74.103:8080')]) {
      assert.ok(keys.ipFirst!.equals(ip.ipFirst!) && keys.ipLast!.equals(ip.ipLast!));
      assert.equal(keys.hostKey, undefined);
    }
    const v6 = indexKeys('url', 'http://[2001:db8::1]:8080/a');
    assert.ok(v6.ipFirst!.equals(indexKeys('ipv6', '2001:db8::1').ipFirst!));
  });

  it('keys host names, URLs on them and e-mail addresses by the reversed host', () => {
    assert.deepEqual(indexKeys('hostname', 'a.b.evil.co.uk'), { hostKey: 'uk.co.evil.b.a' });
    assert.deepEqual(indexKeys('domain', 'evil.co.uk'), { hostKey: 'uk.co.evil' });
    assert.deepEqual(indexKeys('url', 'https://cdn.marsalek.cy/static/a.exe'), { hostKey: 'cy.marsalek.cdn' });
    assert.deepEqual(indexKeys('email', 'billing@invoices.example.com'), { hostKey: 'com.example.invoices' });
    assert.ok(indexKeys('hostname', 'a.b.evil.co.uk').hostKey!.startsWith(`${indexKeys('domain', 'evil.co.uk').hostKey!}.`));
  });

  it('gives other types no range keys', () => {
    const keys = indexKeys('sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(keys.ipFirst, undefined);
    assert.equal(keys.hostKey, undefined);
  });

  it('gives the same keys in hex for packing (indexKeysHex)', () => {
    const values: Array<[Parameters<typeof indexKeys>[0], string]> = [
      ['ipv4', '0.0.0.0'], ['ipv4', '255.255.255.255'], ['ipv4', '45.133.74.103'], ['ipv6', '2001:db8::1'], ['ipv6', '::'],
      ['cidr', '10.0.0.0/8'], ['cidr', '192.0.2.0/31'], ['cidr', '2001:db8::/32'], ['ip-port', '45.133.74.103:8080'], ['ip-port', '[2001:db8::1]:443'],
      ['url', 'http://45.133.74.103/x86'], ['url', 'http://[2001:db8::1]:8080/a'], ['url', 'https://u:p@cdn.marsalek.cy:8443/static/a.exe?x=1'],
      ['url', 'http://1.2.3.4.nip.io/a'], ['domain', 'evil.co.uk'], ['hostname', 'a.b.evil.co.uk'], ['email', 'billing@invoices.example.com'],
      ['sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'], ['asn', 'AS64500'],
    ];
    for (const [type, value] of values) {
      const keys = indexKeys(type, value);
      const expected: Record<string, string> = {};
      if (keys.ipFirst) expected.ipFirst = keys.ipFirst.toString('hex');
      if (keys.ipLast && !keys.ipLast.equals(keys.ipFirst!)) expected.ipLast = keys.ipLast.toString('hex');
      if (keys.hostKey !== undefined) expected.hostKey = keys.hostKey;
      assert.deepEqual({ ...indexKeysHex(type, value) }, expected, `${type} ${value}`);
    }
  });
});

describe('reversedHost', () => {
  it('reverses the labels, empty ones included, as split/reverse/join does', () => {
    for (const host of ['a', 'a.b', 'a.b.c', 'x.evil.co.uk', '.a', 'a.', 'a..b', '..', '.', '', 'xn--bcher-kva.example']) {
      assert.equal(reversedHost(host), host.split('.').reverse().join('.'), JSON.stringify(host));
    }
  });
});
