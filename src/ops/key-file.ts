import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A key file's text, or undefined when there is none. */
export function readKeyFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Writes a key file (readable by its owner only, in a folder of the same)
 * unless another process (a worker of `tix serve`, a CLI command) made it
 * first: the new file is linked into place, which fails if one is there
 * already, and then the one there is the key. Returns the key in place, and
 * whether it is the one given.
 */
export function writeKeyFileOnce(file: string, text: string): { text: string; created: boolean } {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const draft = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(draft, text, { mode: 0o600 });
  try {
    linkSync(draft, file);
    return { text, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { text: readFileSync(file, 'utf8'), created: false };
  } finally {
    unlinkSync(draft);
  }
}
