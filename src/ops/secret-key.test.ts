import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { secretKey } from './secret-key.ts';

describe("the instance's secret key", () => {
  it('is TIX_SECRET_KEY when set, on either store', () => {
    const env = { TIX_SECRET_KEY: '0f'.repeat(32) };
    assert.deepEqual(secretKey('/nonexistent', { embedded: false, create: false, env }), Buffer.alloc(32, 0x0f));
    assert.deepEqual(secretKey('/nonexistent', { embedded: true, create: true, env }), Buffer.alloc(32, 0x0f));
    assert.throws(() => secretKey('/nonexistent', { embedded: true, create: true, env: { TIX_SECRET_KEY: 'short' } }), /TIX_SECRET_KEY: 64 hexadecimal digits/);
  });

  it("for the embedded store, is made once in the data directory, readable by its owner only, and then read", () => {
    const dir = mkdtempSync(join(tmpdir(), 'tix-secret-'));
    try {
      assert.equal(secretKey(dir, { embedded: true, create: false, env: {} }), undefined, 'reading makes no key');
      const made = secretKey(dir, { embedded: true, create: true, env: {} });
      assert.equal(made?.length, 32);
      assert.equal(statSync(join(dir, 'keys', 'secret.key')).mode & 0o777, 0o600);
      assert.deepEqual(secretKey(dir, { embedded: true, create: true, env: {} }), made);
      assert.deepEqual(secretKey(dir, { embedded: true, create: false, env: {} }), made);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on PostgreSQL, is none without TIX_SECRET_KEY: the nodes of one database must share it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tix-secret-'));
    try {
      assert.equal(secretKey(dir, { embedded: false, create: true, env: {} }), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
