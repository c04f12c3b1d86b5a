/**
 * What changed between two versions of a report, line by line: the longest
 * common subsequence of lines, after the common head and tail are set aside.
 * Pure. Past MAX_CELLS comparisons (two very long, very different versions)
 * the middle is reported as removed and added whole rather than spending
 * quadratic time: still a correct diff, only not a minimal one.
 */

export type DiffOp = 'same' | 'added' | 'removed';

export interface DiffLine {
  op: DiffOp;
  text: string;
}

export interface LineDiff {
  lines: DiffLine[];
  added: number;
  removed: number;
}

const MAX_CELLS = 4_000_000;

function split(text: string): string[] {
  return text === '' ? [] : text.replace(/\r\n?/g, '\n').split('\n');
}

export function diffLines(before: string, after: string): LineDiff {
  const a = split(before);
  const b = split(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const lines: DiffLine[] = a.slice(0, head).map((text) => ({ op: 'same', text }));
  if (midA.length * midB.length > MAX_CELLS) {
    lines.push(...midA.map((text): DiffLine => ({ op: 'removed', text })), ...midB.map((text): DiffLine => ({ op: 'added', text })));
  } else {
    lines.push(...middle(midA, midB));
  }
  lines.push(...a.slice(a.length - tail).map((text): DiffLine => ({ op: 'same', text })));
  return { lines, added: lines.filter((line) => line.op === 'added').length, removed: lines.filter((line) => line.op === 'removed').length };
}

/** The LCS table from the end, then one walk forward: removals before additions where both are possible. */
function middle(a: string[], b: string[]): DiffLine[] {
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * width + j] = a[i] === b[j] ? table[(i + 1) * width + j + 1]! + 1 : Math.max(table[(i + 1) * width + j]!, table[i * width + j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: 'same', text: a[i]! });
      i++;
      j++;
    } else if (table[(i + 1) * width + j]! >= table[i * width + j + 1]!) {
      out.push({ op: 'removed', text: a[i++]! });
    } else {
      out.push({ op: 'added', text: b[j++]! });
    }
  }
  while (i < a.length) out.push({ op: 'removed', text: a[i++]! });
  while (j < b.length) out.push({ op: 'added', text: b[j++]! });
  return out;
}

/** A unified-style rendering for terminals: `+ `, `- ` and `  ` prefixes. */
export function formatDiff(diff: LineDiff): string {
  return diff.lines.map((line) => `${line.op === 'added' ? '+' : line.op === 'removed' ? '-' : ' '} ${line.text}`).join('\n');
}
