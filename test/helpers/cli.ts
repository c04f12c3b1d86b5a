import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FEEDS = join(ROOT, 'test', 'fixtures', 'feeds');
const BIN = join(ROOT, 'bin', 'tix.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `tix` binary, as a user would, against a data directory. */
export function tix(data: string, args: string[], input?: string | Buffer): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, TIX_DATA: data, TIX_DEBUG: '' },
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function tempDir(prefix = 'tix-test-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Like `tix`, but without blocking the event loop: for tests that serve HTTP from the same process. */
export async function tixAsync(data: string, args: string[]): Promise<Run> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, TIX_DATA: data, TIX_DEBUG: '' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
