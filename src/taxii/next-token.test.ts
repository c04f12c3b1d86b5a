import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TaxiiError } from './errors.ts';
import { issueToken, readToken } from './next-token.ts';

const KEY = Buffer.from('test key');
const POSITION = { addedAt: Date.UTC(2026, 0, 10), cursor: Buffer.from('indicator--6770298f-0fd8-471a-ab8c-1c658a46574e|2016-11-03T12:30:59.000000000Z').toString('base64url') };
const refused = (key: Buffer, token: string, fingerprint: string): void => {
  assert.throws(() => readToken(key, token, fingerprint), (error: unknown) => error instanceof TaxiiError && error.status === 400, token);
};

describe('next tokens (§3.5)', () => {
  it('round-trip the page position for the query they were issued for', () => {
    const token = issueToken(KEY, POSITION, 'query');
    assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    assert.deepEqual(readToken(KEY, token, 'query'), POSITION);
  });

  it('refuse another query, another key, and any change to the token', () => {
    const token = issueToken(KEY, POSITION, 'query');
    refused(KEY, token, 'other query');
    refused(Buffer.from('other key'), token, 'query');
    for (let at = 0; at < token.length; at++) {
      if (token[at] === '.') continue;
      refused(KEY, `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`, 'query');
    }
    for (const cut of [token.slice(0, -1), token.split('.')[0]!, `${token}.x`, '', '.']) refused(KEY, cut, 'query');
  });

  it('refuse a tag spelled another way that decodes to the same bytes (the spare bits of its last character)', () => {
    // 22 characters carry the 16 bytes of a tag with 4 bits to spare: each tag has 16 spellings, one issued
    for (let n = 0; n < 64; n++) {
      const token = issueToken(KEY, POSITION, `query ${n}`);
      const last = token.at(-1)!;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
      assert.equal(Buffer.from(token.split('.')[1]!.slice(0, -1) + sibling, 'base64url').equals(Buffer.from(token.split('.')[1]!, 'base64url')), true);
      refused(KEY, `${token.slice(0, -1)}${sibling}`, `query ${n}`);
    }
  });
});
