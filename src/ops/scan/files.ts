import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import type { IntelIndex } from '../../scan/index/intel-index.ts';
import { RecordMatcher } from '../../scan/match.ts';
import type { ReportBuilder } from '../../scan/report.ts';
import type { FileHasher, FileHashes } from './hash-threads.ts';

export interface TreeCounts {
  files: number;
  bytes: number;
}

/**
 * Hashes every regular file under `root` (MD5, SHA-1 and SHA-256, streamed,
 * on the hasher's threads) and matches the digests and the file name against
 * the index. Symbolic links are followed only to files inside the tree (each
 * file is hashed once); anything unreadable is reported and skipped. Each
 * file goes into the report's chain of custody with its SHA-256 and size.
 */
export async function scanTree(
  root: string,
  index: IntelIndex,
  report: ReportBuilder,
  hasher: FileHasher,
  progress?: (file: string, bytes: number) => void,
): Promise<TreeCounts> {
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

  /** Files being hashed, in the order found: each is reported when those before it are, so the report's order is the walk's. */
  const inHand: Array<{ shown: string; hashed: Promise<FileHashes> }> = [];
  const reportFile = async ({ shown, hashed }: { shown: string; hashed: Promise<FileHashes> }): Promise<void> => {
    let result: FileHashes;
    try {
      result = await hashed;
    } catch (error) {
      report.problem({ file: shown, code: 'TIX_INPUT_UNREADABLE', message: `could not be read: ${(error as Error).message}` });
      return;
    }
    const { digests, size } = result;
    counts.files++;
    counts.bytes += size;
    progress?.(shown, counts.bytes);
    matcher.line = 0;
    matcher.value('md5', 'md5', digests.md5);
    matcher.value('sha1', 'sha1', digests.sha1);
    matcher.value('sha256', 'sha256', digests.sha256);
    matcher.value('filename', 'filename', basename(shown));
    const modifiedAt = new Date(result.modifiedAt).toISOString();
    const file = { path: shown, size, sha256: digests.sha256, format: 'file', compressed: false, lines: 0, hits: 0, weakHits: 0, knownBenign: 0, problems: 0, modifiedAt };
    const found = matcher.take();
    if (found.length) report.add(shown, found, file);
    report.file(file);
  };
  const hashFile = async (path: string, shown: string): Promise<void> => {
    const before = counts.bytes;
    const hashed = hasher.hash(path, (read) => progress?.(shown, before + read));
    hashed.catch(() => {}); // reported in turn, below
    inHand.push({ shown, hashed });
    if (inHand.length >= hasher.parallel) await reportFile(inHand.shift()!);
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
  while (inHand.length > 0) await reportFile(inHand.shift()!);
  return counts;
}
