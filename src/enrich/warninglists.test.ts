import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../../test/helpers/cli.ts';
import { compileWarninglists, parseWarninglist } from './warninglists.ts';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'scan', 'warninglists');
const load = (id: string) => parseWarninglist(id, JSON.parse(readFileSync(join(FIXTURES, id, 'list.json'), 'utf8')));

describe('warninglists', () => {
  const check = compileWarninglists([
    load('rfc1918'),
    load('public-dns-v4'),
    load('url-shortener'),
    { id: 'sub', name: 'sub', description: '', version: 1, type: 'substring', entries: ['windowsupdate'], matchingAttributes: ['hostname', 'domain', 'url'] },
    { id: 're', name: 're', description: '', version: 1, type: 'regex', entries: ['/^http:\\/\\/example\\.org\\//i', '(unclosed'], matchingAttributes: ['url'] },
    { id: 'top', name: 'top', description: '', version: 1, type: 'string', entries: ['google.com'], matchingAttributes: ['hostname', 'domain', 'url'] },
  ]);

  it('cidr: private ranges and public resolvers, for addresses and ip:port, not for names', () => {
    assert.deepEqual(check('ipv4', '192.168.1.1'), ['rfc1918']);
    assert.deepEqual(check('ip-port', '10.1.2.3:443'), ['rfc1918']);
    assert.deepEqual(check('ipv4', '8.8.8.8'), ['public-dns-v4']);
    assert.deepEqual(check('ipv4', '192.9.135.73'), []);
  });

  it('hostname: the name and everything below it, also as a URL host', () => {
    assert.deepEqual(check('hostname', 'x.bit.ly'), ['url-shortener']);
    assert.deepEqual(check('url', 'https://bit.ly/abc'), ['url-shortener']);
    assert.deepEqual(check('hostname', 'notbit.ly'), []);
  });

  it('string, substring and regex lists, each only for its attribute types', () => {
    assert.deepEqual(check('domain', 'google.com'), ['top']);
    assert.deepEqual(check('hostname', 'mail.google.com'), [], 'a string list matches whole values only');
    assert.deepEqual(check('hostname', 'download.windowsupdate.com'), ['sub']);
    assert.deepEqual(check('url', 'http://example.org/x'), ['re']);
    assert.deepEqual(check('domain', 'example.org'), [], 'the regex list is for URLs only');
  });

  it('refuses a document that is not a warninglist', () => {
    assert.throws(() => parseWarninglist('x', { type: 'glob', list: [] }), /type: "glob"/);
    assert.throws(() => parseWarninglist('x', { type: 'cidr', list: [1] }), /list/);
  });
});
