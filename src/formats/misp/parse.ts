import type { Issue } from '../../model/index.ts';
import type { ParseContext, ParseSink, TextParser } from '../format.ts';
import { badField } from '../common/record.ts';
import { epochSeconds, type EventScope, flag, isoDate, readAttribute } from './attribute.ts';
import { scanJson } from './json-scan.ts';
import { isRecord, readTags, tagNames } from './tags.ts';

/**
 * MISP events are read whole (JSON.parse is many times faster than any
 * streaming parser written in JS, and a MISP file is one event), so a
 * document over this many characters is refused rather than allowed to
 * exhaust memory. Real events are kilobytes to a few megabytes.
 */
export const MAX_EVENT_CHARS = 64 * 1024 * 1024;

export interface MispParserLimits {
  maxChars: number;
}

/** Buffers the document, then reads every event in it at `end`. */
export function createMispParser(ctx: ParseContext, sink: ParseSink, limits: MispParserLimits = { maxChars: MAX_EVENT_CHARS }): TextParser {
  let parts: string[] = [];
  let size = 0;
  let refused = false;
  return {
    write(chunk) {
      if (refused) return;
      size += chunk.length;
      if (size > limits.maxChars) {
        refused = true;
        parts = [];
        sink.reject({
          code: 'TIX_INPUT_TOO_LARGE',
          file: ctx.file,
          line: 0,
          message: `larger than ${describeSize(limits.maxChars)}: a MISP event is read whole, and one this large is refused; nothing imported (split the event, or publish it as a MISP feed of smaller events)`,
          severity: 'error',
        });
        return;
      }
      parts.push(chunk);
    },
    end() {
      if (refused) return;
      const text = parts.join('');
      parts = [];
      readMispDocument(text, ctx, sink);
    },
  };
}

/** Reads the events of one MISP JSON document: `{"response":[{"Event":…}]}`, `{"Event":…}` or a bare event. */
export function readMispDocument(document: string, ctx: ParseContext, sink: ParseSink): void {
  const text = withoutBom(document);
  if (text.trim() === '') {
    sink.reject({ code: 'TIX_INPUT_EMPTY', file: ctx.file, line: 0, message: 'empty document; nothing imported', severity: 'warning' });
    return;
  }
  const scan = scanJson(text, (key, inArray, depth) => depth === 0 || (inArray ? key === 'Attribute' || key === 'Object' : key === 'Event'));
  if (scan.error) {
    const { message, line, column } = scan.error;
    sink.reject(badJson(ctx.file, line, `malformed JSON: ${message} at line ${line}, column ${column}; nothing imported`));
    return;
  }
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    sink.reject(badJson(ctx.file, 1, `malformed JSON: ${(error as Error).message}; nothing imported`));
    return;
  }
  const lineOf = (path: string, fallback: number): number => scan.lines.get(path) ?? fallback;
  for (const { event, path } of locateEvents(root, ctx, sink)) readEvent(event, path, lineOf, ctx, sink);
}

/** Windows editors start UTF-8 files with a byte order mark, which JSON.parse refuses. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function badJson(file: string, line: number, message: string): Issue {
  return { code: 'TIX_JSON_SYNTAX', file, line, message, severity: 'error' };
}

interface Located {
  event: Record<string, unknown>;
  /** JSON path of the event object: `response[0].Event`, `Event`, or '' for a bare event. */
  path: string;
}

const WRAPPERS = 'expected {"response":[{"Event":{…}}]}, {"Event":{…}} or an event object with "Attribute"';

function locateEvents(root: unknown, ctx: ParseContext, sink: ParseSink): Located[] {
  if (!isRecord(root)) {
    badField(sink, ctx, 1, '(root)', `not a MISP event: the document is ${Array.isArray(root) ? 'an array' : `a ${root === null ? 'null' : typeof root}`}; ${WRAPPERS}`);
    return [];
  }
  if ('response' in root) {
    const response = root.response;
    if (!Array.isArray(response)) {
      const hint = isRecord(response) && 'Attribute' in response ? ' (this is an attribute search result; export whole events instead)' : '';
      badField(sink, ctx, 1, 'response', `not a list of {"Event": …} objects${hint}`);
      return [];
    }
    const events: Located[] = [];
    response.forEach((item, index) => {
      if (isRecord(item) && isRecord(item.Event)) events.push({ event: item.Event, path: `response[${index}].Event` });
      else badField(sink, ctx, 1, `response[${index}]`, 'not an {"Event": …} object');
    });
    return events;
  }
  if ('Event' in root) {
    if (isRecord(root.Event)) return [{ event: root.Event, path: 'Event' }];
    badField(sink, ctx, 1, 'Event', 'not an event object');
    return [];
  }
  if (Array.isArray(root.Attribute) || Array.isArray(root.Object) || typeof root.info === 'string') return [{ event: root, path: '' }];
  badField(sink, ctx, 1, '(root)', `not a MISP event: ${WRAPPERS}`);
  return [];
}

function readEvent(event: Record<string, unknown>, path: string, lineOf: (path: string, fallback: number) => number, ctx: ParseContext, sink: ParseSink): void {
  const prefix = path === '' ? '' : `${path}.`;
  const eventLine = lineOf(path, 1);
  const info = typeof event.info === 'string' ? event.info.trim() : '';
  const scope: EventScope = {
    ctx,
    sink,
    uuid: typeof event.uuid === 'string' && event.uuid !== '' ? event.uuid : undefined,
    date: isoDate(event.date) ?? epochSeconds(event.timestamp),
    tags: readTags(tagNames(event)),
    // the report the event is about, else the event's own summary line
    reference: firstLink(event.Attribute) ?? (info || undefined),
    skipped: new Map(),
  };

  const attributes = listAt(event, 'Attribute', prefix, eventLine, ctx, sink);
  attributes.forEach((attribute, index) => {
    const at = `${prefix}Attribute[${index}]`;
    readAttribute(attribute, at, lineOf(at, eventLine), scope);
  });

  listAt(event, 'Object', prefix, eventLine, ctx, sink).forEach((object, index) => {
    const at = `${prefix}Object[${index}]`;
    const objectLine = lineOf(at, eventLine);
    if (!isRecord(object)) return badField(sink, ctx, objectLine, at, 'not an object');
    const objectScope = {
      deleted: flag(object.deleted) === true,
      firstSeen: isoDate(object.first_seen),
      lastSeen: isoDate(object.last_seen),
      timestamp: epochSeconds(object.timestamp),
      comment: typeof object.comment === 'string' ? object.comment : '',
    };
    listAt(object, 'Attribute', `${at}.`, objectLine, ctx, sink).forEach((attribute, inner) => {
      const attributePath = `${at}.Attribute[${inner}]`;
      readAttribute(attribute, attributePath, lineOf(attributePath, objectLine), scope, objectScope);
    });
  });

  if (scope.skipped.size > 0) {
    const counts = [...scope.skipped].map(([type, { count, first }]) => `${type} ×${count} (first ${first})`);
    const total = [...scope.skipped.values()].reduce((sum, { count }) => sum + count, 0);
    sink.reject({
      code: 'TIX_INPUT_SKIPPED',
      file: ctx.file,
      line: eventLine,
      field: path === '' ? 'event' : path,
      message: `${total} attribute(s) of MISP types that are not indicators skipped: ${counts.join(', ')}`,
      severity: 'warning',
    });
  }
}

/** `element[key]` as a list: absent is empty, anything else is reported. */
function listAt(element: Record<string, unknown>, key: string, prefix: string, line: number, ctx: ParseContext, sink: ParseSink): unknown[] {
  const list = element[key];
  if (list === undefined || list === null) return [];
  if (Array.isArray(list)) return list;
  badField(sink, ctx, line, `${prefix}${key}`, 'not a list');
  return [];
}

function firstLink(attributes: unknown): string | undefined {
  if (!Array.isArray(attributes)) return undefined;
  for (const attribute of attributes) {
    if (!isRecord(attribute) || attribute.type !== 'link' || flag(attribute.deleted) === true) continue;
    if (typeof attribute.value === 'string' && /^https?:\/\//i.test(attribute.value.trim())) return attribute.value.trim();
  }
  return undefined;
}

function describeSize(chars: number): string {
  return chars >= 1024 * 1024 ? `${Math.round(chars / (1024 * 1024))} MiB` : `${chars} characters`;
}
