import { renameSync, rmSync, statSync } from 'node:fs';

/**
 * Where to write an output named by `-o`: a regular file is written beside
 * itself and renamed into place when complete, so a reader never sees half
 * of it and a failure leaves the old one; a device or pipe (`/dev/null`,
 * `/dev/stdout`, a FIFO) is written directly, never replaced by a file.
 */
export interface OutputFile {
  /** The path to open for writing. */
  path: string;
  /** The output is complete: put it in place. */
  commit(): void;
  /** The output failed: remove what was written, leave the old file. */
  abort(): void;
}

export function outputFile(target: string): OutputFile {
  if (!isReplaceable(target)) return { path: target, commit: () => {}, abort: () => {} };
  const temporary = `${target}.tmp-${process.pid}`;
  return {
    path: temporary,
    commit: () => renameSync(temporary, target),
    abort: () => rmSync(temporary, { force: true }),
  };
}

function isReplaceable(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}
