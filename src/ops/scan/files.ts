import { createHash } from 'node:crypto';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import type { IntelIndex } from '../../scan/index/intel-index.ts';
import { RecordMatcher } from '../../scan/match.ts';
import type { ReportBuilder } from '../../scan/report.ts';
import { openEvidence } from './evidence.ts';

export interface TreeCounts {
  files: number;
  bytes: number;
}

/**
 * Hashes every regular file under `root` (MD5, SHA-1 and SHA-256 in one
 * streamed read) and matches the digests and the file name against the
 * index. Symbolic links are followed only to files inside the tree (each
 * file is hashed once); anything unreadable is reported and skipped. Each
 * file goes into the report's chain of custody with its SHA-256 and size.
 */
export async function scanTree(root: string, index: IntelIndex, report: ReportBuilder, progress?: (file: string, bytes: number) => void): Promise<TreeCounts> {
  const counts: TreeCounts = { files: 0, bytes: 0 };
  const matcher = new RecordMatcher(index);
  let top: string;
  try {
    top = await realpath(root);
  } catch (error) {
    report.problem({ file: root, code: 'TIX_INPUT_UNREADABLE', message: `could not be read: ${(error as Error).message}` });
    return counts;
  }
  const seen = new Set<string>();
  const inside = (path: string): boolean => path === top || path.startsWith(top.endsWith(sep) ? top : top + sep);

  const hashFile = async (path: string, shown: string): Promise<void> => {
    const md5 = createHash('md5');
    const sha1 = createHash('sha1');
    const sha256 = createHash('sha256');
    let size = 0;
    let modifiedAt: string | undefined;
    try {
      const handle = await openEvidence(path);
      try {
        modifiedAt = (await handle.stat()).mtime.toISOString();
        for await (const chunk of handle.createReadStream({ highWaterMark: 1 << 20, autoClose: false }) as AsyncIterable<Buffer>) {
          md5.update(chunk);
          sha1.update(chunk);
          sha256.update(chunk);
          size += chunk.length;
          progress?.(shown, counts.bytes + size);
        }
      } finally {
        await handle.close();
      }
    } catch (error) {
      report.problem({ file: shown, code: 'TIX_INPUT_UNREADABLE', message: `could not be read: ${(error as Error).message}` });
      return;
    }
    counts.files++;
    counts.bytes += size;
    const digest = { md5: md5.digest('hex'), sha1: sha1.digest('hex'), sha256: sha256.digest('hex') };
    matcher.line = 0;
    matcher.value('md5', 'md5', digest.md5);
    matcher.value('sha1', 'sha1', digest.sha1);
    matcher.value('sha256', 'sha256', digest.sha256);
    matcher.value('filename', 'filename', basename(shown));
    const file = { path: shown, size, sha256: digest.sha256, format: 'file', compressed: false, lines: 0, hits: 0, weakHits: 0, knownBenign: 0, problems: 0, ...(modifiedAt ? { modifiedAt } : {}) };
    const found = matcher.take();
    if (found.length) report.add(shown, found, file);
    report.file(file);
  };

  const walk = async (directory: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      report.problem({ file: directory, code: 'TIX_INPUT_UNREADABLE', message: `directory could not be read: ${(error as Error).message}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(directory, entry.name);
      const shown = join(root, relative(top, path));
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        if (!seen.has(path)) {
          seen.add(path);
          await hashFile(path, shown);
        }
      } else if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = await realpath(path);
        } catch {
          report.problem({ file: shown, code: 'TIX_INPUT_UNREADABLE', message: 'a dangling symbolic link; skipped' });
          continue;
        }
        if (!inside(target)) {
          report.problem({ file: shown, code: 'TIX_INPUT_SKIPPED', message: `a symbolic link out of the tree (to ${target}); not followed` });
          continue;
        }
        const info = await stat(target).catch(() => undefined);
        // a link to a file inside the tree is hashed once, under its own name; links to directories are not walked (no loops)
        if (info?.isFile() && !seen.has(target)) {
          seen.add(target);
          await hashFile(target, join(root, relative(top, target)));
        }
      }
    }
  };

  const info = await lstat(top);
  if (info.isDirectory()) await walk(top);
  else await hashFile(top, resolve(root) === top ? root : root);
  return counts;
}
