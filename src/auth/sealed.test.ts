import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { isSealed, openSecret, parseSecretKey, sealSecret } from './sealed.ts';

const sealedError = (pattern: RegExp) => (error: Error & { code?: string }) => error.code === 'TIX_SECRET_SEALED' && pattern.test(error.message);

describe('sealed credentials', () => {
  const key = randomBytes(32);

  it('seal and open again, each time under a new nonce, never showing the clear text', () => {
    const first = sealSecret(key, 'alice:s3cret ünïcode');
    const second = sealSecret(key, 'alice:s3cret ünïcode');
    assert.ok(isSealed(first) && first.startsWith('sealed:v1:'));
    assert.notEqual(first, second);
    assert.doesNotMatch(first, /alice|s3cret/);
    assert.equal(openSecret(key, first, 'sync peer: its key'), 'alice:s3cret ünïcode');
    assert.equal(openSecret(key, second, 'sync peer: its key'), 'alice:s3cret ünïcode');
  });

  it('reads a value stored before sealing as it is', () => {
    assert.equal(isSealed('tix_abc_secret'), false);
    assert.equal(openSecret(undefined, 'tix_abc_secret', 'sync peer: its key'), 'tix_abc_secret');
  });

  it('refuses, naming the value, without a key, with another key, or when altered', () => {
    const sealed = sealSecret(key, 'tix_abc_secret');
    assert.throws(() => openSecret(undefined, sealed, 'sync peer: its key'), sealedError(/^sync peer: its key is stored sealed, and this process has no secret key/));
    assert.throws(() => openSecret(randomBytes(32), sealed, 'sync peer: its key'), sealedError(/under another secret key/));
    const body = Buffer.from(sealed.slice('sealed:v1:'.length), 'base64url');
    body[body.length - 1]! ^= 1;
    assert.throws(() => openSecret(key, `sealed:v1:${body.toString('base64url')}`, 'sync peer: its key'), sealedError(/or was altered/));
  });

  it('takes a secret key as 64 hex digits, and says how to make one otherwise', () => {
    assert.deepEqual(parseSecretKey(`${'ab'.repeat(32)}\n`), Buffer.alloc(32, 0xab));
    for (const bad of ['', 'ab'.repeat(31), 'zz'.repeat(32), Buffer.alloc(32).toString('base64')]) {
      assert.throws(() => parseSecretKey(bad), (error: Error & { code?: string }) => error.code === 'TIX_CONFIG_BAD_OPTION' && /TIX_SECRET_KEY: 64 hexadecimal digits.*openssl rand -hex 32/.test(error.message));
    }
  });
});
