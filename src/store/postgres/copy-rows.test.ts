import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Observation } from '../../model/index.ts';
import { BatchReader, encodeBatch, NUMBER, TEXT, type ObservationBatch } from '../batch.ts';
import { copySource, CopyRows } from './copy-rows.ts';

const T0 = Date.UTC(2024, 0, 1);

/** COPY text as a reader of PostgreSQL's text format expects it, made from strings: the oracle the bytes are held to. */
const cell = (value: string | null): string => (value === null ? '\\N' : value.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!));

const FIELDS = ['value', 'ipFirst', 'ipLast', 'hostKey', 'raw', 'threatType', 'malware', 'tags', 'reference', 'tlp', 'objectId'] as const;

/** Every text cell of every row, through CopyRows, one line each. */
function written(batch: ObservationBatch): string[] {
  const out = new CopyRows();
  out.use(copySource(batch));
  for (let row = 0; row < batch.length; row++) {
    out.row(row);
    for (const field of FIELDS) {
      out.text(TEXT[field]);
      out.newline();
    }
    out.hex(TEXT.ipFirst);
    out.newline();
    out.int(out.numberOf(NUMBER.hash));
    out.newline();
  }
  return out.chunk(true)!.toString('utf8').split('\n').slice(0, -1);
}

/** The same cells from the batch's strings (BatchReader), escaped by `cell`. */
function expected(batch: ObservationBatch): string[] {
  const reader = new BatchReader(batch);
  const lines: string[] = [];
  for (let row = 0; row < batch.length; row++) {
    reader.next();
    for (const field of FIELDS) lines.push(field === 'tags' ? cell(reader.tags === '' && batch.bare ? null : reader.tags) : cell(reader[field]));
    lines.push(reader.ipFirst === null ? '\\N' : `\\\\x${reader.ipFirst}`);
    lines.push(String(reader.hash));
  }
  return lines;
}

const rows = (extra: Partial<Observation>[]): Observation[] =>
  extra.map((fields, i) => ({ type: 'domain', value: `d${i}.example`, firstSeen: T0, lastSeen: T0, tags: [], raw: `line ${i}`, line: i + 1, malware: 'win.remcos', ...fields }));

describe('COPY rows written as bytes', () => {
  it('writes each cell as its string would be written, in each way a batch is read', () => {
    const batches = {
      // ASCII without COPY's special characters: copied byte for byte
      bytes: rows([{ type: 'ipv4', value: '192.0.2.1', raw: '192.0.2.1' }, { reference: 'https://r.example/a-long-reference-of-more-than-32-bytes' }, { tags: ['c2', 'x'], tlp: 'amber' }]),
      // ASCII with tabs, newlines and backslashes in its cells: escaped as copied
      'escaped-bytes': rows([{ raw: 'a\tb\\c' }, { reference: 'x\ny\rz' }, { tags: ['t\\1'], objectId: 'indicator--\t' }]),
      // not ASCII: written cell by cell from the string
      string: rows([{ reference: 'https://r.example/é' }, { raw: 'tab\tand ☃ and 𝄞' }, { malware: 'ünï' }]),
    };
    for (const [mode, observations] of Object.entries(batches)) {
      const batch = encodeBatch(observations);
      assert.equal(copySource(batch).mode, mode);
      assert.deepEqual(written(batch), expected(batch), mode);
    }
  });

  it('writes absent cells as \\N, or the fallback given', () => {
    const batch = encodeBatch(rows([{ raw: 'd0.example', value: 'd0.example', malware: undefined, threatType: 'c2' }]));
    const out = new CopyRows();
    out.use(copySource(batch));
    out.row(0);
    assert.equal(out.absent(TEXT.raw), true, 'the line was the value itself');
    out.text(TEXT.raw);
    out.tab();
    out.text(TEXT.tlp, 'clear');
    out.tab();
    out.hex(TEXT.ipFirst);
    assert.equal(out.chunk(true)!.toString(), '\\N\tclear\t\\N');
  });

  it('writes every number as String does, and NaN as \\N', () => {
    const edges = [0, -0, 1, -1, 9, 10, 99_999_999, 100_000_000, -100_000_000, 100_000_001, 1_700_000_000_000, 1_700_000_000_007, -1_700_000_000_007];
    const extremes = [2 ** 31, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 2 ** 60, 0.5, 1e8 + 0.5, 1.5e15 + 0.25, -1e21, Infinity];
    // times in milliseconds and hashes of up to 53 bits, with zeros in the middle of their digits
    const drawn = Array.from({ length: 20_000 }, (_, i) => (i % 2 ? 1.6e12 + (i % 7) * 1e8 + i : Math.floor(Math.random() * 2 ** 53) * (i % 4 ? 1 : -1)));
    const values = [...edges, ...extremes, ...drawn, NaN];
    const out = new CopyRows();
    for (const value of values) {
      out.int(value);
      out.newline();
    }
    assert.deepEqual(out.chunk(true)!.toString().split('\n').slice(0, -1), values.map((value) => (Number.isNaN(value) ? '\\N' : String(value))));
  });

  it('cuts chunks of whole rows, and hands over every byte written', () => {
    const out = new CopyRows();
    const chunks: Buffer[] = [];
    for (let row = 0; row < 20_000; row++) {
      out.literal(`row ${row} ${'x'.repeat(row % 50)}`);
      out.newline();
      const chunk = out.chunk();
      if (chunk) chunks.push(Buffer.from(chunk));
    }
    chunks.push(Buffer.from(out.chunk(true)!));
    assert.ok(chunks.length > 1);
    assert.ok(chunks.every((chunk) => chunk[chunk.length - 1] === 0x0a));
    const lines = Buffer.concat(chunks).toString().split('\n').slice(0, -1);
    assert.equal(lines.length, 20_000);
    assert.equal(lines[12_345], `row 12345 ${'x'.repeat(12_345 % 50)}`);
  });
});
