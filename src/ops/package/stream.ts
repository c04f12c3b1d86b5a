import { createHash } from 'node:crypto';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { manifestEntry, type ManifestFile } from './manifest.ts';

/**
 * Writes a file from pieces, a megabyte at a time, hashing the bytes as they
 * are written; returns its manifest entry. A list of a million items never
 * sits in memory as one string, and no file is read back to be hashed.
 */
export function streamFile(path: string, name: string, produce: (write: (chunk: string) => void) => void): ManifestFile {
  const fd = openSync(path, 'w');
  const hash = createHash('sha256');
  let bytes = 0;
  let pending: string[] = [];
  let size = 0;
  const flush = (): void => {
    if (!pending.length) return;
    const buffer = Buffer.from(pending.join(''));
    writeSync(fd, buffer);
    hash.update(buffer);
    bytes += buffer.length;
    pending = [];
    size = 0;
  };
  try {
    produce((chunk) => {
      pending.push(chunk);
      size += chunk.length;
      if (size >= 1 << 20) flush();
    });
    flush();
  } finally {
    closeSync(fd);
  }
  return { path: name, sha256: hash.digest('hex'), bytes };
}

/** Writes a small file whole; returns its manifest entry, hashed from the same bytes. */
export function writeWholeFile(path: string, name: string, content: string | Buffer): ManifestFile {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  writeFileSync(path, bytes);
  return manifestEntry(name, bytes);
}
