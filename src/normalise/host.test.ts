import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { table } from '../../test/helpers/normalise-table.ts';
import type { IndicatorType } from '../model/index.ts';
import { normaliseHost, registrableDomain, reversedHost } from './host.ts';
import { normalise } from './normalise.ts';


const domain = (value: string) => ({ type: 'domain' as const, value });
const hostname = (value: string) => ({ type: 'hostname' as const, value });
const email = (value: string) => ({ type: 'email' as const, value });
const label63 = 'a'.repeat(63);

describe('normalise: host names', () => {
  table([
    ['EVIL.COM', undefined, domain('evil.com')],
    ['evil.com.', undefined, domain('evil.com')],
    ['WWW.Evil.Com.', 'hostname', hostname('www.evil.com')],
    ['evil[.]com', undefined, domain('evil.com')],
    ['Bücher.de', undefined, domain('xn--bcher-kva.de')],
    ['WWW.BÜCHER.DE', undefined, hostname('www.xn--bcher-kva.de')],
    ['xn--bcher-kva.de', 'domain', domain('xn--bcher-kva.de')],
    ['_dmarc.evil.com', undefined, hostname('_dmarc.evil.com')],
    [`${label63}.com`, undefined, domain(`${label63}.com`)],
    // unlisted roots (.bit) are kept for feeds: sensors still see them
    ['evil.bit', undefined, domain('evil.bit')],
  ]);
});

describe('normalise: domain or hostname, by the public suffix list', () => {
  table([
    ['evil.co.uk', undefined, domain('evil.co.uk')],
    ['a.b.evil.co.uk', undefined, hostname('a.b.evil.co.uk')],
    ['marsalek.cy', undefined, domain('marsalek.cy')],
    ['x.github.io', undefined, domain('x.github.io')],
    // the value decides the type, not the hint
    ['a.evil.com', 'domain', hostname('a.evil.com')],
    ['evil.com', 'hostname', domain('evil.com')],
    ['co.uk', undefined, /"co.uk" is a public suffix, not a domain/],
    ['github.io', 'domain', /"github.io" is a public suffix/],
    ['CO.UK.', 'hostname', /"co.uk" is a public suffix/],
    ['com', undefined, /no top-level domain/],
    ['localhost', 'hostname', /no top-level domain/],
  ]);
});

describe('normalise: invalid host names', () => {
  table([
    [`${'a'.repeat(64)}.com`, undefined, /label "a{64}" is not valid/],
    [`${[label63, label63, label63, label63].join('.')}.com`, 'hostname', /longer than 253 characters/],
    ['-evil.com', undefined, /label "-evil" is not valid/],
    ['evil-.com', 'domain', /label "evil-" is not valid/],
    ['evil..com', 'domain', /label "" is not valid/],
    ['evil.123', undefined, /malformed IP address/],
    ['evil.4x', 'domain', /top-level domain must start with a letter/],
    ['ev il.com', 'domain', /internationalised domain name|not valid/],
  ]);
});

describe('normalise: host:port without a type gives the host', () => {
  table([
    ['evil.com:8080', undefined, domain('evil.com')],
    ['a.evil.co.uk:443', undefined, hostname('a.evil.co.uk')],
    ['ppp[.]xxxatat456[.]com:1520', undefined, hostname('ppp.xxxatat456.com')],
    ['evil.com:99999', undefined, /port "99999" is not a number from 1 to 65535/],
  ]);
});

describe('normalise: e-mail addresses', () => {
  table([
    ['First.Last@Example.COM', undefined, email('First.Last@example.com')],
    ['billing@invoices.example.co.uk', 'email', email('billing@invoices.example.co.uk')],
    ['Info@Bücher.de', undefined, email('Info@xn--bcher-kva.de')],
    ['user[at]evil[.]com', undefined, email('user@evil.com')],
    ['user[@]evil.com', 'email', email('user@evil.com')],
    ['user@co.uk', undefined, /e-mail domain: "co.uk" is a public suffix/],
    ['user@evil', 'email', /e-mail domain: host name has no top-level domain/],
    ['a b@evil.com', 'email', /not an e-mail address/],
    ['a@b@evil.com', undefined, /not an e-mail address/],
    ['@evil.com', 'email', /not an e-mail address/],
    [`${'x'.repeat(65)}@evil.com`, 'email', /not an e-mail address/],
  ]);
});

describe('normaliseHost options', () => {
  it('knownSuffix refuses names on no public suffix (free text: report.pdf is no domain)', () => {
    assert.deepEqual(normaliseHost('report.pdf'), { ok: true, type: 'domain', value: 'report.pdf' });
    const strict = normaliseHost('report.pdf', { knownSuffix: true });
    assert.equal(strict.ok, false);
    if (!strict.ok) assert.match(strict.reason, /"\.pdf" is not on the public suffix list/);
    assert.equal(normalise('report.pdf', undefined, { knownSuffix: true }).ok, false);
    assert.deepEqual(normaliseHost('evil.co.uk', { knownSuffix: true }), { ok: true, type: 'domain', value: 'evil.co.uk' });
  });

  it('allowSuffix admits a bare public suffix (a URL host) as a hostname', () => {
    // cloudflare-ipfs.com is itself a (private) public suffix
    assert.deepEqual(normaliseHost('cloudflare-ipfs.com', { allowSuffix: true }), { ok: true, type: 'hostname', value: 'cloudflare-ipfs.com' });
    assert.deepEqual(normaliseHost('github.io', { allowSuffix: true }), { ok: true, type: 'hostname', value: 'github.io' });
    assert.equal(normaliseHost('cloudflare-ipfs.com').ok, false);
    assert.equal(normaliseHost('github.io').ok, false);
  });
});

describe('registrableDomain and reversedHost', () => {
  it('finds the registrable domain by the public suffix list', () => {
    assert.equal(registrableDomain('a.b.evil.co.uk'), 'evil.co.uk');
    assert.equal(registrableDomain('evil.co.uk'), 'evil.co.uk');
    assert.equal(registrableDomain('pages.x.github.io'), 'x.github.io');
    assert.equal(registrableDomain('co.uk'), undefined);
  });

  it('reverses labels so a domain prefixes everything below it', () => {
    assert.equal(reversedHost('a.b.evil.co.uk'), 'uk.co.evil.b.a');
    assert.equal(reversedHost('evil.com'), 'com.evil');
  });
});
