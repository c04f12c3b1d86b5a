import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getFormat } from '../../src/formats/index.ts';
import { splitLines } from '../../src/io/lines.ts';
import { IssueSchema, ObservationSchema, type Issue, type Observation, type StixObject } from '../../src/model/index.ts';

/** Absolute path of a fixture under test/fixtures/feeds. */
export function fixture(relative: string): string {
  return fileURLToPath(new URL(`../fixtures/feeds/${relative}`, import.meta.url));
}

export interface Parsed {
  accepted: Observation[];
  issues: Issue[];
  /** Lines read, as splitLines counts them (for a document format: newlines + 1). */
  lines: number;
  /** Exchange objects a document format keeps (STIX), with the line each starts on. */
  objects: Array<{ object: StixObject; line: number }>;
}

/** The parse context every test uses: a fixed clock, so records without dates are predictable. */
export const NOW = Date.UTC(2025, 0, 1);

async function* chunksOf(buffers: Buffer[]): AsyncGenerator<Buffer> {
  yield* buffers;
}

async function run(format: string, chunks: AsyncIterable<Buffer>, file: string, options: Record<string, string>): Promise<Parsed> {
  const accepted: Observation[] = [];
  const issues: Issue[] = [];
  const objects: Parsed['objects'] = [];
  const sink = {
    // every value a parser yields must already satisfy the model's schema, and every issue its own
    accept: (observation: Observation) => void accepted.push(ObservationSchema.strict().parse(observation)),
    reject: (issue: Issue) => void issues.push(IssueSchema.strict().parse(issue)),
    object: (object: StixObject, line: number) => void objects.push({ object, line }),
  };
  const module = getFormat(format);
  const ctx = { file, now: NOW, options };
  if (module.reads === 'document') {
    const parser = module.createParser(ctx, sink);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let lines = 1;
    for await (const chunk of chunks) {
      const text = decoder.decode(chunk, { stream: true });
      lines += text.split('\n').length - 1;
      parser.write(text);
    }
    parser.write(decoder.decode());
    parser.end();
    return { accepted, issues, lines, objects };
  }
  const parser = module.createParser(ctx, sink);
  const lines = await splitLines(chunks, {
    line: (text, no) => parser.line(text, no),
    problem: (problem) => issues.push({ ...problem, file, severity: 'error' }),
  });
  parser.end();
  return { accepted, issues, lines, objects };
}

/** Streams a file through splitLines and the named format's parser (small chunks, so lines straddle them). */
export function parseFile(format: string, path: string, options: Record<string, string> = {}): Promise<Parsed> {
  return run(format, createReadStream(path, { highWaterMark: 4096 }), path, options);
}

/** The same over text written in a test; `file` names it in issues. */
export function parseText(format: string, text: string, options: Record<string, string> = {}, file = 'inline.txt'): Promise<Parsed> {
  return run(format, chunksOf([Buffer.from(text, 'utf8')]), file, options);
}

/** Runs a command (awk, grep) on a fixture and returns its trimmed stdout; grep finding nothing is "" not an error. */
export function sh(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8' }).trim();
  } catch (error) {
    const failed = error as { status?: number; stdout?: string };
    if (command === 'grep' && failed.status === 1) return (failed.stdout ?? '').trim();
    throw error;
  }
}

/** A count printed by awk or `grep -c`. */
export function count(command: string, args: string[]): number {
  const text = sh(command, args);
  const number = Number(text === '' ? '0' : text);
  if (!Number.isInteger(number)) throw new Error(`${command} printed "${text}", not a count`);
  return number;
}

/** Line numbers printed one per line, e.g. by awk printing NR. */
export function lineNumbers(command: string, args: string[]): number[] {
  const text = sh(command, args);
  return text === '' ? [] : text.split('\n').map(Number);
}

/** Line numbers of the lines grep finds (`grep -n ARGS`); `args` end with the file. */
export function grepLines(args: string[]): number[] {
  const text = sh('grep', ['-n', ...args]);
  return text === '' ? [] : text.split('\n').map((line) => Number(line.slice(0, line.indexOf(':'))));
}

/** A compact view of issues for deepEqual: line, field and code. */
export function where(issues: Issue[]): Array<{ line: number; field: string | undefined; code: string }> {
  return issues.map((issue) => ({ line: issue.line, field: issue.field, code: issue.code }));
}
