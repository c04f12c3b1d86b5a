import type { Writable } from 'node:stream';
import { ConfigError } from '../errors.ts';

export type OutputFormat = 'table' | 'jsonl' | 'csv';

export function parseOutputFormat(text: string): OutputFormat {
  if (text === 'table' || text === 'jsonl' || text === 'csv') return text;
  if (text === 'json') return 'jsonl';
  throw new ConfigError(`--output: "${text}" is not one of table, jsonl, csv`);
}

export function isoDate(ms: number | undefined): string {
  return ms === undefined ? '' : new Date(ms).toISOString().replace('.000Z', 'Z');
}

export type Cell = string | number | undefined;

/**
 * Writes rows as an aligned table, JSON lines or RFC 4180 CSV. Tables are
 * for people (cells clipped to fit); JSON lines and CSV are for scripts and
 * keep every character.
 */
export class RowWriter {
  private readonly pending: Cell[][] = [];
  private wroteHeader = false;

  constructor(
    private readonly out: Writable,
    private readonly format: OutputFormat,
    private readonly columns: string[],
    private readonly maxCell = 60,
  ) {}

  /** `record` is what JSON lines print; `cells` what table and CSV print. */
  row(cells: Cell[], record: unknown): void {
    if (this.format === 'jsonl') {
      this.out.write(`${JSON.stringify(record)}\n`);
    } else if (this.format === 'csv') {
      if (!this.wroteHeader) {
        this.out.write(`${this.columns.map(csvCell).join(',')}\n`);
        this.wroteHeader = true;
      }
      this.out.write(`${cells.map((cell) => csvCell(cell === undefined ? '' : String(cell))).join(',')}\n`);
    } else {
      this.pending.push(cells);
      if (this.pending.length >= 1000) this.flushTable();
    }
  }

  end(): void {
    if (this.format === 'csv' && !this.wroteHeader) this.out.write(`${this.columns.map(csvCell).join(',')}\n`);
    if (this.format === 'table') this.flushTable();
  }

  private flushTable(): void {
    if (!this.pending.length && this.wroteHeader) return;
    // a row may leave its last cells out: they print empty
    const text = this.pending.map((row) => this.columns.map((_, i) => clipCell(row[i] === undefined ? '' : String(row[i]), this.maxCell)));
    const widths = this.columns.map((name, i) => Math.max(name.length, ...text.map((row) => row[i]!.length)));
    const line = (cells: string[]): string => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
    if (!this.wroteHeader) {
      this.out.write(`${line(this.columns.map((name) => name.toUpperCase()))}\n`);
      this.wroteHeader = true;
    }
    for (const row of text) this.out.write(`${line(row)}\n`);
    this.pending.length = 0;
  }
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function clipCell(text: string, max: number): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ');
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
