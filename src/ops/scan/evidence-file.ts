import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/**
 * Opens evidence read-only and, where the system allows, without updating
 * its access time (O_NOATIME), so reading it changes nothing about it.
 */
export async function openEvidence(path: string): Promise<FileHandle> {
  const noatime = (constants as Record<string, number>).O_NOATIME ?? 0;
  if (noatime) {
    try {
      return await open(path, constants.O_RDONLY | noatime);
    } catch (error) {
      // only the file's owner (or root) may ask for O_NOATIME
      if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    }
  }
  return open(path, constants.O_RDONLY);
}

export type DigestName = 'md5' | 'sha1' | 'sha256';

/** The digests of a file read once, its size, and its modification time (epoch ms, as stat gave it before the read). */
export interface FileDigests {
  digests: Partial<Record<DigestName, string>>;
  size: number;
  modifiedAt: number;
}

/** Reads an evidence file once, streamed, and computes the digests named; `read` is told the bytes read so far as they pass. */
export async function digestFile(path: string, names: readonly DigestName[], read?: (bytes: number) => void): Promise<FileDigests> {
  const hashes = names.map((name) => createHash(name));
  let size = 0;
  const handle = await openEvidence(path);
  try {
    const modifiedAt = (await handle.stat()).mtimeMs;
    for await (const chunk of handle.createReadStream({ highWaterMark: 1 << 20, autoClose: false }) as AsyncIterable<Buffer>) {
      for (const hash of hashes) hash.update(chunk);
      size += chunk.length;
      read?.(size);
    }
    const digests: FileDigests['digests'] = {};
    names.forEach((name, i) => (digests[name] = hashes[i]!.digest('hex')));
    return { digests, size, modifiedAt };
  } finally {
    await handle.close();
  }
}
