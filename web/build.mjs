#!/usr/bin/env node
// Bundles the web UI (web/src, TypeScript, and web/style.css) into dist/web: index.html and
// content-hashed assets, the world map and its libraries included, so the UI works offline.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

export async function buildWeb(out = join(here, '..', 'dist', 'web')) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'assets'), { recursive: true });
  const result = await build({
    entryPoints: [join(here, 'src', 'main.ts'), join(here, 'style.css')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    outdir: join(out, 'assets'),
    entryNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
  const script = outputs.find((name) => name.startsWith('main-') && name.endsWith('.js'));
  const style = outputs.find((name) => name.startsWith('style-') && name.endsWith('.css'));
  const html = readFileSync(join(here, 'index.html'), 'utf8').replace('{{script}}', `/assets/${script}`).replace('{{style}}', `/assets/${style}`);
  writeFileSync(join(out, 'index.html'), html);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildWeb(process.argv[2]);
  process.stdout.write(`web UI built into ${out}\n`);
}
