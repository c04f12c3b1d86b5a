import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readContactsCsv } from './csv.ts';
import { buildDirectory, resolveContacts, type Contact } from './directory.ts';

const CSV = [
  'scope,value,role,name,email',
  'country,ke,police,DCI Cyber Crime Unit,cyber@dci.example.ke',
  'country,KE,cert,KE-CIRT/CC,incidents@ke-cirt.example',
  'country,NG,cert,ngCERT,incident@ngcert.example',
  'asn,AS29465,abuse,MTN Nigeria abuse desk,abuse@mtn.example.ng',
  'cidr,197.210.0.0/16,abuse,MTN Lagos NOC,noc-lagos@mtn.example.ng',
  'cidr,197.210.12.7/24,abuse,MTN Lagos hosting,hosting@mtn.example.ng',
  'cidr,2c0f:f400::/32,abuse,IPv6 desk,v6@example.ng',
  'country,XX,police,Nowhere,x@example.org',
  'asn,ASfoo,abuse,Bad,bad@example.org',
  'cidr,10.0.0.0/8,boss,Nobody,',
  'country,NG,police,,',
  'country,NG,police,NPF Cybercrime,not-an-address',
  'cidr,197.210.0.0/16,abuse,Someone else,else@example.org',
  'country,KE,cert,KE-CIRT/CC,incidents@ke-cirt.example',
  '"unterminated,row',
  'country,GH',
];

describe('contacts CSV', () => {
  const read = readContactsCsv(CSV, 'contacts.csv');

  it('reads good rows and reports each broken one by line and field', () => {
    assert.equal(read.contacts.length, 7);
    assert.deepEqual(
      read.issues.map((issue) => `${issue.line}:${issue.field}:${issue.code}`),
      [
        '9:value:TIX_INPUT_BAD_FIELD',
        '10:value:TIX_INPUT_BAD_FIELD',
        '11:role:TIX_INPUT_BAD_FIELD',
        '12:name:TIX_INPUT_BAD_FIELD',
        '13:email:TIX_INPUT_BAD_FIELD',
        '14:value:TIX_CONTACT_CONFLICT',
        '16:row:TIX_INPUT_BAD_FIELD',
        '17:row:TIX_INPUT_BAD_FIELD',
      ],
    );
    assert.match(read.issues.find((issue) => issue.line === 14)!.message, /already has a abuse contact \(line 6/);
  });

  it('writes keys in canonical form: upper-case countries, bare AS numbers, network CIDRs', () => {
    assert.deepEqual(
      read.contacts.map((contact) => `${contact.scope}:${contact.key}`),
      ['country:KE', 'country:KE', 'country:NG', 'asn:29465', 'cidr:197.210.0.0/16', 'cidr:197.210.12.0/24', 'cidr:2c0f:f400::/32'],
    );
    assert.equal(read.contacts[0]!.origin, 'contacts.csv:2');
  });

  it('refuses a file whose header lacks a required column', () => {
    const bad = readContactsCsv(['scope,value,name', 'country,KE,x'], 'c.csv');
    assert.equal(bad.contacts.length, 0);
    assert.equal(bad.issues[0]!.field, 'header');
  });
});

describe('resolving contacts', () => {
  const imported = readContactsCsv(CSV, 'contacts.csv').contacts;
  const manual: Contact = { scope: 'country', key: 'NG', role: 'cert', name: 'ngCERT duty officer', email: 'duty@ngcert.example', manual: true };

  it('picks the most specific entry per role: longest CIDR, then AS, then country', () => {
    const directory = buildDirectory(imported);
    const hosting = resolveContacts(directory, '197.210.12.9', { country: 'NG', asn: 29465 });
    assert.equal(hosting.abuse?.contact.name, 'MTN Lagos hosting');
    assert.equal(hosting.abuse?.matchedBy, 'cidr 197.210.12.0/24');
    assert.equal(hosting.cert?.contact.name, 'ngCERT');
    assert.equal(hosting.police, undefined);
    assert.equal(resolveContacts(directory, '197.210.99.1', { country: 'NG', asn: 29465 }).abuse?.matchedBy, 'cidr 197.210.0.0/16');
    assert.equal(resolveContacts(directory, '105.112.0.1', { country: 'NG', asn: 29465 }).abuse?.matchedBy, 'asn 29465');
    assert.equal(resolveContacts(directory, '105.112.0.1', { country: 'NG', asn: 36873 }).abuse, undefined);
    assert.equal(resolveContacts(directory, '2c0f:f400::1', { country: 'NG' }).abuse?.contact.name, 'IPv6 desk');
    const kenya = resolveContacts(directory, '41.90.0.1', { country: 'KE' });
    assert.deepEqual([kenya.police?.contact.name, kenya.cert?.contact.name], ['DCI Cyber Crime Unit', 'KE-CIRT/CC']);
  });

  it('lets a manual entry override the imported one for the same key and role, in either order', () => {
    for (const contacts of [[...imported, manual], [manual, ...imported]]) {
      const found = resolveContacts(buildDirectory(contacts), '197.210.12.9', { country: 'NG', asn: 29465 });
      assert.equal(found.cert?.contact.name, 'ngCERT duty officer');
    }
  });
});
