import { ConfigError } from '../errors.ts';
import { closeSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';

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

/** An output named by -o, written synchronously in order and put in place by `commit`. */
export interface OutputWriter {
  write(data: Uint8Array | string): void;
  commit(): void;
  abort(): void;
}

/** Opens an output (see outputFile) for synchronous writes; a pipe or device that takes less than all at once is written again. */
export function openOutput(target: string): OutputWriter {
  const file = outputFile(target);
  let fd: number | undefined;
  try {
    fd = openSync(file.path, 'w');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'its directory does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new ConfigError(`-o ${target}: cannot be written: ${why}`, { cause: error });
  }
  const close = (): void => {
    if (fd === undefined) return;
    closeSync(fd);
    fd = undefined;
  };
  return {
    write(data) {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      for (let at = 0; at < bytes.byteLength; ) at += writeSync(fd!, bytes, at, bytes.byteLength - at);
    },
    commit() {
      close();
      file.commit();
    },
    abort() {
      close();
      file.abort();
    },
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
