import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffLines, formatDiff } from './diff.ts';

/** Applying a diff's kept and added lines gives the new text; its kept and removed lines give the old one. */
function sides(diff: ReturnType<typeof diffLines>): { before: string; after: string } {
  return {
    before: diff.lines.filter((line) => line.op !== 'added').map((line) => line.text).join('\n'),
    after: diff.lines.filter((line) => line.op !== 'removed').map((line) => line.text).join('\n'),
  };
}

describe('diffLines', () => {
  it('marks an edited line as removed and added, keeping the rest', () => {
    const diff = diffLines('# Botnet\nC2 at 1.2.3.4\nMore to come.', '# Botnet\nC2 at 5.6.7.8\nMore to come.');
    assert.deepEqual(diff.lines, [
      { op: 'same', text: '# Botnet' },
      { op: 'removed', text: 'C2 at 1.2.3.4' },
      { op: 'added', text: 'C2 at 5.6.7.8' },
      { op: 'same', text: 'More to come.' },
    ]);
    assert.equal(diff.added, 1);
    assert.equal(diff.removed, 1);
    assert.equal(formatDiff(diff), '  # Botnet\n- C2 at 1.2.3.4\n+ C2 at 5.6.7.8\n  More to come.');
  });

  it('finds the longest common run when lines move and appear', () => {
    const before = 'a\nb\nc\nd\ne';
    const after = 'a\nx\nc\ne\nb';
    const diff = diffLines(before, after);
    assert.deepEqual(sides(diff), { before, after });
    assert.equal(diff.lines.filter((line) => line.op === 'same').length, 3); // a, c, e
  });

  it('handles empty versions on either side', () => {
    assert.deepEqual(diffLines('', 'one\ntwo').lines, [{ op: 'added', text: 'one' }, { op: 'added', text: 'two' }]);
    assert.deepEqual(diffLines('one', '').lines, [{ op: 'removed', text: 'one' }]);
    assert.deepEqual(diffLines('same', 'same'), { lines: [{ op: 'same', text: 'same' }], added: 0, removed: 0 });
  });

  it('stays correct, if not minimal, for two long unrelated versions', () => {
    const before = Array.from({ length: 3000 }, (_, i) => `old ${i}`).join('\n');
    const after = Array.from({ length: 3000 }, (_, i) => `new ${i}`).join('\n');
    const started = process.hrtime.bigint();
    const diff = diffLines(before, after);
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 2000);
    assert.deepEqual(sides(diff), { before, after });
    assert.equal(diff.added, 3000);
  });
});
