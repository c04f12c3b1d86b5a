import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ExportContext } from '../export/exporter.ts';
import { createMispFeedWriter, readMispFeedManifest, type FeedWrite } from '../formats/misp/index.ts';
import type { IndicatorQuery, Store } from '../store/store.ts';
import { fileInput, type Input } from '../io/input.ts';
import type { Issue } from '../model/index.ts';

/** An input with the format and source it must be read as, where the input alone does not say. */
export interface PlannedInput {
  input: Input;
  format?: string;
  source?: string;
}

/**
 * A MISP feed directory (`manifest.json`, `hashes.csv`, one `<uuid>.json` per
 * event) is read as the feed it is: the events its manifest lists, each as a
 * MISP event, under the feed's name; the manifest and hashes files are not
 * inputs themselves. Returns undefined for any other directory.
 */
export async function planMispFeed(directory: string, onIssue: (issue: Issue) => void): Promise<PlannedInput[] | undefined> {
  const manifestPath = join(directory, 'manifest.json');
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch {
    return undefined;
  }
  const manifest = readMispFeedManifest(text, manifestPath);
  for (const issue of manifest.issues) onIssue(issue);
  const source = basename(directory).toLowerCase().replace(/[^a-z0-9._-]+/g, '-') || 'misp-feed';
  const planned: PlannedInput[] = [];
  for (const event of manifest.events) {
    const path = join(directory, event.file);
    try {
      const info = await stat(path);
      planned.push({ input: fileInput(path, info.size, info.mtimeMs), format: 'misp', source });
    } catch {
      onIssue({ code: 'TIX_INPUT_UNREADABLE', file: manifestPath, line: event.line, field: event.uuid, message: `the manifest lists ${event.file}, which is not in the feed directory`, severity: 'error' });
    }
  }
  return planned;
}

/**
 * Writes a MISP feed directory (manifest.json, hashes.csv, one file per
 * event) from the store, streamed through the feed writer, into a fresh
 * directory that replaces `directory` only when complete: events that left
 * the feed do not linger, and a reader never sees half a feed.
 */
export async function writeMispFeed(
  store: Store,
  query: Omit<IndicatorQuery, 'limit' | 'after'>,
  ctx: ExportContext,
  directory: string,
): Promise<{ written: number; events: number }> {
  const building = `${directory}.tmp-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  const writer = createMispFeedWriter(ctx);
  const files = new Set<string>();
  const apply = (writes: FeedWrite[]): void => {
    for (const write of writes) {
      files.add(write.path);
      appendFileSync(join(building, write.path), write.chunk);
    }
  };
  let written = 0;
  try {
    let after: string | undefined;
    for (;;) {
      const page = await store.search({ ...query, limit: 2_000, ...(after ? { after } : {}) });
      for (const indicator of page.items) {
        apply(writer.add(indicator));
        written++;
      }
      if (!page.next) break;
      after = page.next;
    }
    apply(writer.end());
    const previous = `${directory}.old-${process.pid}`;
    if (existsSync(directory)) renameSync(directory, previous);
    renameSync(building, directory);
    rmSync(previous, { recursive: true, force: true });
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    throw error;
  }
  return { written, events: [...files].filter((file) => file !== 'manifest.json' && file !== 'hashes.csv').length };
}
