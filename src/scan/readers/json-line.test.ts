import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FieldKind, ValueScreen } from '../record.ts';
import { JsonFieldScanner } from './json-line.ts';
import { CompiledPlan } from './plan.ts';

/** A screen that notes each value it is asked about, as `kind:text`, and answers false. */
function noting(): ValueScreen & { seen: string[] } {
  const seen: string[] = [];
  const text = (bytes: Uint8Array, start: number, end: number): string => new TextDecoder().decode(bytes.subarray(start, end));
  return {
    seen,
    value: (kind: FieldKind, bytes: Uint8Array, start: number, end: number) => (seen.push(`${kind}:${text(bytes, start, end)}`), false),
    ipPort: () => false,
    composedUrl: () => false,
  };
}

describe('the JSON-lines screen', () => {
  it('finds wanted keys whose hashes share their low bits with each other, and no other key', () => {
    // k91 and k200 share the low 10 bits of their FNV-1a hash (the screen's first table); k7 stands alone
    const plan = new CompiledPlan({ singles: [['k91', 'ip'], ['k200', 'host'], ['k7', 'md5']], pairs: [], urls: [] });
    const scanner = new JsonFieldScanner(plan, (name) => name, 'ts');
    const line = new TextEncoder().encode('{"ts":1,"k91":"103.41.26.58","k200":"evil.example.com","k9":"1.2.3.4","k7":"df7c845e4eadd7bac6cbfe2087bbd482","k2000":"x.example"}');
    const screen = noting();
    assert.equal(scanner.screen(line, 0, line.length, screen), false);
    assert.deepEqual(screen.seen, ['ip:103.41.26.58', 'host:evil.example.com', 'md5:df7c845e4eadd7bac6cbfe2087bbd482']);
  });
});
