import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../errors.ts';

/**
 * Prints a self-contained HTML report to PDF with headless Chromium (no
 * network: the page has no external resources). `chromium` is the browser's
 * executable, e.g. /usr/bin/chromium.
 */
export function printPdf(html: string, chromium: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'tix-pdf-'));
  try {
    const page = join(dir, 'report.html');
    const pdf = join(dir, 'report.pdf');
    writeFileSync(page, html);
    const run = spawnSync(
      chromium,
      ['--headless', '--no-sandbox', '--disable-gpu', '--no-pdf-header-footer', `--user-data-dir=${join(dir, 'profile')}`, `--print-to-pdf=${pdf}`, `file://${page}`],
      { encoding: 'utf8', timeout: 120_000 },
    );
    if (run.error) throw new ConfigError(`--pdf: cannot run ${chromium}: ${run.error.message}`, { cause: run.error });
    let bytes: Buffer;
    try {
      bytes = readFileSync(pdf);
    } catch (error) {
      throw new ConfigError(`--pdf: ${chromium} wrote no PDF (exit ${run.status}): ${run.stderr.split('\n').filter(Boolean).slice(-2).join(' ')}`, { cause: error });
    }
    if (!bytes.subarray(0, 5).equals(Buffer.from('%PDF-'))) throw new ConfigError(`--pdf: ${chromium} wrote something that is not a PDF`);
    return bytes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
