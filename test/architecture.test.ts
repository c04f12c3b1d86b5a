import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, it } from 'node:test';
import { ERROR_CODES } from '../src/errors.ts';
import { ROOT } from './helpers/cli.ts';

const SRC = join(ROOT, 'src');

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.contract.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"](\.[^'"]+)['"]/gm)].map((match) => resolve(dirname(file), match[1]!));
}

const area = (file: string): string => relative(SRC, file).split('/')[0]!;

/** The functional core may not reach into the shell. */
const CORE = new Set(['model', 'normalise', 'formats', 'query', 'pattern', 'export', 'policy', 'errors.ts']);
const SHELL = new Set(['store', 'cli', 'ops', 'ingest', 'io']);

describe('architecture', () => {
  it('the core imports nothing from the shell, and model imports nothing from tix', () => {
    const violations: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const from = area(file);
      for (const target of importsOf(file)) {
        const to = area(target);
        if (CORE.has(from) && SHELL.has(to)) {
          // query may name the Store's query type, a type-only import
          if (from === 'query' && to === 'store' && /import type/.test(readFileSync(file, 'utf8'))) continue;
          violations.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
        }
        if (from === 'model' && to !== 'model') violations.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
      }
    }
    assert.deepEqual(violations, []);
  });

  it('only src/store names a backend', () => {
    const offenders = sourceFiles(SRC).filter(
      (file) => area(file) !== 'store' && /better-sqlite3|sqlite\/|\bpg\b['"]/.test(readFileSync(file, 'utf8')),
    );
    assert.deepEqual(offenders.map((file) => relative(SRC, file)), []);
  });

  it('the core never reads the clock, randomness or the console', () => {
    const offenders = sourceFiles(SRC)
      .filter((file) => CORE.has(area(file)))
      .filter((file) => /Date\.now\(\)|Math\.random\(\)|console\./.test(readFileSync(file, 'utf8')));
    assert.deepEqual(offenders.map((file) => relative(SRC, file)), []);
  });

  it('every error code is documented in docs/errors.md', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8');
    const missing = Object.keys(ERROR_CODES).filter((code) => !doc.includes(`\`${code}\``));
    assert.deepEqual(missing, []);
  });
});
