import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileInput } from '../io/input.ts';
import type { Issue } from '../model/index.ts';
import { freshStore } from '../../test/helpers/stores.ts';
import { ingest } from './ingest.ts';

const FIXTURE = new URL('../../test/fixtures/feeds/abuse.ch/threatfox-full_sha256.csv', import.meta.url);
const directory = mkdtempSync(join(tmpdir(), 'tix-ingest-'));
after(() => rmSync(directory, { recursive: true, force: true }));

/** The fixture with a NUL put into one column of three rows (by 0-based row index), and those rows' line numbers. */
function withNuls(): { file: string; rows: string[]; lines: Map<number, string> } {
  const lines = readFileSync(FIXTURE, 'latin1').split('\n');
  const spoiled = new Map<number, string>([
    [100, 'malware_printable'],
    [2000, 'tags'],
    [5000, 'malware_alias'],
  ]);
  const columns = ['first_seen_utc', 'ioc_id', 'ioc_value', 'ioc_type', 'threat_type', 'fk_malware', 'malware_alias', 'malware_printable', 'last_seen_utc', 'confidence_level', 'reference', 'tags', 'anonymous', 'reporter'];
  const rows: string[] = [];
  const at = new Map<number, string>();
  let row = 0;
  lines.forEach((line, index) => {
    if (!line.startsWith('"')) return;
    const column = spoiled.get(row);
    if (column) {
      const fields = line.slice(1, -1).split('", "');
      const i = columns.indexOf(column);
      fields[i] = `${fields[i]!.slice(0, 2)}\0${fields[i]!.slice(2)}`;
      lines[index] = `"${fields.join('", "')}"`;
      at.set(index + 1, column);
    } else {
      rows.push(line);
    }
    row++;
  });
  const file = join(directory, 'threatfox-nul.csv');
  writeFileSync(file, lines.join('\n'), 'latin1');
  return { file, rows, lines: at };
}

describe('ingest: a NUL character in a record', () => {
  for (const parseThread of [false, true]) {
    it(`skips that record alone, naming its line and field, on either backend (${parseThread ? 'parser thread' : 'one thread'})`, async () => {
      const { file, rows, lines } = withNuls();
      const store = await freshStore();
      const issues: Issue[] = [];
      const result = await ingest(store, fileInput(file), { now: Date.UTC(2026, 0, 1), parseThread, onIssue: (issue) => issues.push(issue) });
      assert.equal(result.rejected, 3);
      assert.equal(result.accepted, rows.length);
      // the spoiled column is named where it is one tix reads; the malware's aliases only live in the kept line
      const expected = [...lines].map(([line, column]) => ({ line, field: { malware_printable: 'malware', tags: 'tags', malware_alias: 'line' }[column] }));
      assert.deepEqual(
        issues.map((issue) => ({ line: issue.line, field: issue.field })),
        expected,
      );
      for (const issue of issues) assert.match(issue.message, /NUL character/);
      // every other row landed: the good rows' distinct values, counted apart from tix
      const values = new Set(rows.map((row) => row.split('", "')[2]!.toLowerCase()));
      assert.equal((await store.stats()).indicators, values.size);
      await store.close();
    });
  }
});
