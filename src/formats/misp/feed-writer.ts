import { createHash } from 'node:crypto';
import { ConfigError } from '../../errors.ts';
import type { Indicator } from '../../model/index.ts';
import type { ExportContext } from '../../export/exporter.ts';
import { EVENT_HEAD, type EventSummary, manifestEntry, serialiseAttribute, serialiseEventTail, stricterTlp } from './serialise.ts';
import { TIX_NAMESPACE, uuidV5 } from '../common/uuid.ts';

/** Append `chunk` to the file `path` of the feed directory; the first write to a path creates it. */
export interface FeedWrite {
  path: string;
  chunk: string;
}

/**
 * How indicators are grouped into events. `source-day` (the default): one
 * event per source and UTC day of first sight, as abuse.ch and CIRCL publish
 * theirs, so events stay small and an old day's event rarely changes.
 * `source`: one event per source. `day`: one per UTC day.
 */
export type MispFeedGrouping = 'source-day' | 'source' | 'day';

export interface MispFeedOptions {
  grouping?: MispFeedGrouping;
  /** Text held back before it is handed out as writes; bounds memory whatever the input order. */
  maxBufferedChars?: number;
}

export interface MispFeedWriter {
  /** The writes due after this indicator (often none: text is buffered per file). */
  add(indicator: Indicator): FeedWrite[];
  /** Closes every event, then writes manifest.json. */
  end(): FeedWrite[];
}

interface Group {
  summary: EventSummary;
  path: string;
}

const GROUPINGS: readonly MispFeedGrouping[] = ['source-day', 'source', 'day'];

/**
 * A MISP feed directory (MISP core format: one `<uuid>.json` event per file,
 * `manifest.json`, and `hashes.csv` of `<md5 of value>,<event uuid>`), made
 * from indicators in any order. Each event file is written as its
 * attributes arrive, attributes first and the event's own fields last (see
 * EVENT_HEAD), so what is kept per event is a summary, not its attributes:
 * memory grows with the number of events, never with the number of
 * indicators. Event uuids derive from the producer and the group key, so
 * the next export of the same group rewrites the same event.
 */
export function createMispFeedWriter(ctx: ExportContext, options: MispFeedOptions = {}): MispFeedWriter {
  const grouping = options.grouping ?? (ctx.options.grouping as MispFeedGrouping | undefined) ?? 'source-day';
  if (!GROUPINGS.includes(grouping)) throw new ConfigError(`misp feed: grouping "${grouping}" is not one of ${GROUPINGS.join(', ')}`);
  const maxBuffered = options.maxBufferedChars ?? 4 * 1024 * 1024;
  const producer = ctx.producer.name;
  const groups = new Map<string, Group>();
  const buffers = new Map<string, string[]>();
  let buffered = 0;

  const hold = (path: string, chunk: string): void => {
    const list = buffers.get(path);
    if (list) list.push(chunk);
    else buffers.set(path, [chunk]);
    buffered += chunk.length;
  };
  const release = (): FeedWrite[] => {
    const writes = [...buffers].map(([path, chunks]) => ({ path, chunk: chunks.join('') }));
    buffers.clear();
    buffered = 0;
    return writes;
  };

  return {
    add(indicator) {
      const source = (indicator.sources.length > 1 ? [...indicator.sources].sort() : indicator.sources)[0] ?? 'tix';
      const day = new Date(indicator.firstSeen).toISOString().slice(0, 10);
      const key = grouping === 'source-day' ? `${source} ${day}` : grouping === 'source' ? source : day;
      let group = groups.get(key);
      if (!group) {
        const uuid = uuidV5(TIX_NAMESPACE, `misp-feed:${producer}:${grouping}:${key}`);
        group = {
          path: `${uuid}.json`,
          summary: {
            uuid,
            info: grouping === 'day' ? `tix: indicators first seen ${day}` : `tix: ${source}${grouping === 'source-day' ? `, first seen ${day}` : ''}`,
            date: Date.parse(day),
            timestamp: 0,
            published: true,
            producer,
            attributeCount: 0,
          },
        };
        groups.set(key, group);
      }
      const { summary } = group;
      const attribute = serialiseAttribute(indicator, summary.uuid);
      hold(group.path, `${summary.attributeCount === 0 ? `${EVENT_HEAD}\n` : ',\n'}${attribute.json}`);
      summary.attributeCount++;
      summary.timestamp = Math.max(summary.timestamp, attribute.timestamp);
      summary.tlp = stricterTlp(summary.tlp, attribute.tlp);
      if (grouping === 'source') summary.date = Math.min(summary.date, Date.parse(day));
      for (const part of attribute.hashParts) hold('hashes.csv', `${md5(part)},${summary.uuid}\n`);
      return buffered > maxBuffered ? release() : [];
    },
    end() {
      const manifest: Record<string, unknown> = {};
      for (const group of [...groups.values()].sort((a, b) => (a.summary.uuid < b.summary.uuid ? -1 : 1))) {
        hold(group.path, `\n${serialiseEventTail(group.summary)}\n`);
        manifest[group.summary.uuid] = manifestEntry(group.summary);
      }
      const entries = Object.entries(manifest).map(([uuid, entry]) => `${JSON.stringify(uuid)}:${JSON.stringify(entry)}`);
      hold('hashes.csv', ''); // an empty feed still has its hashes.csv
      hold('manifest.json', `{${entries.length ? `\n${entries.join(',\n')}\n` : ''}}\n`);
      return release();
    },
  };
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}
