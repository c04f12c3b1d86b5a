import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const BLOCK = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** A POSIX ustar header for a regular file; a name over 100 bytes is split into prefix and name at a slash. */
function header(name: string, size: number, mtime: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  let prefix = '';
  let rest = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`tar: the name ${name.slice(0, 80)} is too long`);
    prefix = name.slice(0, cut);
    rest = name.slice(cut + 1);
  }
  block.write(rest, 0, 100, 'utf8');
  block.write(octal(0o644, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(size, 12), 124, 'ascii');
  block.write(octal(Math.floor(mtime / 1000), 12), 136, 'ascii');
  block.fill(' ', 148, 156);
  block.write('0', 156, 'ascii');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

/**
 * A directory's regular files (in name order, below `root` as `root/…`) as a
 * ustar archive, streamed file by file: nothing is held whole in memory.
 */
export async function* tarDirectory(dir: string, root: string): AsyncGenerator<Buffer> {
  const files: string[] = [];
  const walk = async (at: string, prefix: string): Promise<void> => {
    const entries = (await readdir(at, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      if (entry.isDirectory()) await walk(join(at, entry.name), `${prefix}${entry.name}/`);
      else if (entry.isFile()) files.push(`${prefix}${entry.name}`);
    }
  };
  await walk(dir, '');
  for (const file of files) {
    const info = await stat(join(dir, file));
    yield header(`${root}/${file}`, info.size, info.mtimeMs);
    for await (const chunk of createReadStream(join(dir, file))) yield chunk as Buffer;
    const pad = info.size % BLOCK;
    if (pad) yield Buffer.alloc(BLOCK - pad);
  }
  yield Buffer.alloc(BLOCK * 2);
}
