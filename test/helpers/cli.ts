import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
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
    env: { ...process.env, TIX_DATA: data, TIX_DEBUG: '', TIX_SECRET_KEY: '' },
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
      { env: { ...process.env, TIX_DATA: data, TIX_DEBUG: '', TIX_SECRET_KEY: '' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Starts `tix serve --port 0 …ARGS` on a data directory, as a user would; resolves once it listens, with its base URL and what it printed so far. */
export function startServe(data: string, args: string[] = []): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [BIN, '--data', data, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TIX_SECRET_KEY: '' } });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tix serve did not start:\n${output}`)), 120_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /API\s+(http:\/\/localhost:\d+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!.replace('localhost', '127.0.0.1'), output: () => output });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => reject(new Error(`tix serve exited with ${code}:\n${output}`)));
  });
}
