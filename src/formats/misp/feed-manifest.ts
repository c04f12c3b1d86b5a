import type { Issue, Tlp } from '../../model/index.ts';
import { epochSeconds, isoDate } from './attribute.ts';
import { scanJson } from './json-scan.ts';
import { withoutBom } from './parse.ts';
import { isRecord, readTags, tagNames } from './tags.ts';
import { isUuid } from './uuid.ts';

/** One event a MISP feed's manifest.json lists. */
export interface MispFeedEntry {
  uuid: string;
  /** The event file, relative to the feed directory: `<uuid>.json`. */
  file: string;
  info: string;
  /** The event's date, epoch ms. */
  date?: number;
  /** When the event last changed, epoch ms: a reader that kept it can skip files it has read at this timestamp. */
  timestamp?: number;
  /** Event tags other than TLP, verbatim. */
  tags: string[];
  tlp?: Tlp;
  /** The creator organisation's name. */
  org?: string;
  /** `integrity:sha256` when the feed gives it: the event file's SHA-256, to check before reading it. */
  sha256?: string;
  /** Line of manifest.json where the entry starts. */
  line: number;
}

export interface MispFeedManifest {
  events: MispFeedEntry[];
  issues: Issue[];
}

/**
 * The events a MISP feed's manifest.json lists, in manifest order. Keys that
 * are not UUIDs are reported and left out: a key becomes a file name, and
 * `../x` must never be one.
 */
export function readMispFeedManifest(document: string, file: string): MispFeedManifest {
  const text = withoutBom(document);
  const issues: Issue[] = [];
  const issue = (line: number, field: string | undefined, message: string, severity: Issue['severity'] = 'error'): void => {
    issues.push({ code: 'TIX_INPUT_BAD_FIELD', file, line, ...(field === undefined ? {} : { field }), message, severity });
  };
  const scan = scanJson(text, (_key, inArray, depth) => depth === 1 && !inArray);
  if (scan.error) {
    const { message, line, column } = scan.error;
    issues.push({ code: 'TIX_JSON_SYNTAX', file, line, message: `malformed JSON: ${message} at line ${line}, column ${column}`, severity: 'error' });
    return { events: [], issues };
  }
  const root: unknown = JSON.parse(text);
  if (!isRecord(root)) {
    issue(1, undefined, 'not a MISP feed manifest: expected an object keyed by event uuid');
    return { events: [], issues };
  }
  const events: MispFeedEntry[] = [];
  for (const [uuid, value] of Object.entries(root)) {
    const line = scan.lines.get(uuid) ?? 1;
    if (!isUuid(uuid)) {
      issue(line, uuid, 'not an event uuid; entry skipped');
      continue;
    }
    if (!isRecord(value)) {
      issue(line, uuid, 'not an object; entry skipped');
      continue;
    }
    const meaning = readTags(tagNames(value));
    const entry: MispFeedEntry = {
      uuid,
      file: `${uuid.toLowerCase()}.json`,
      info: typeof value.info === 'string' ? value.info : '',
      tags: meaning.tags,
      line,
    };
    if (typeof value.info !== 'string') issue(line, `${uuid}.info`, 'no info (the manifest must give it)', 'warning');
    const date = isoDate(value.date);
    if (date !== undefined) entry.date = date;
    else issue(line, `${uuid}.date`, `not a date (got ${JSON.stringify(value.date ?? null)})`, 'warning');
    const timestamp = epochSeconds(value.timestamp);
    if (timestamp !== undefined) entry.timestamp = timestamp;
    if (meaning.tlp) entry.tlp = meaning.tlp;
    if (isRecord(value.Orgc) && typeof value.Orgc.name === 'string') entry.org = value.Orgc.name;
    const sha256 = value['integrity:sha256'];
    if (typeof sha256 === 'string' && /^[0-9a-f]{64}$/i.test(sha256)) entry.sha256 = sha256.toLowerCase();
    events.push(entry);
  }
  return { events, issues };
}

/**
 * A feed's hashes.csv. MISP writes `<md5 of an attribute value>,<event uuid>`
 * (one line per value part); some generators write
 * `<event file>,<md5 of the file>,<sha1 of the file>` instead, integrity
 * digests of the event files. Both are read; which one a line is follows
 * from its shape.
 */
export interface MispFeedHashes {
  layout: 'values' | 'files' | 'mixed' | 'empty';
  /** MISP's layout: which event holds a value with this MD5. */
  values: Array<{ md5: string; eventUuid: string; line: number }>;
  /** The file-digest layout: what each event file should hash to. */
  files: Array<{ file: string; md5: string; sha1: string; line: number }>;
  issues: Issue[];
}

const VALUE_LINE = /^([0-9a-f]{32}),([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
/** A plain file name, no directory part, so a digest can never point outside the feed. */
const FILE_LINE = /^([^,/\\]+\.json),([0-9a-f]{32}),([0-9a-f]{40})$/i;

export function readMispFeedHashes(text: string, file: string): MispFeedHashes {
  const result: MispFeedHashes = { layout: 'empty', values: [], files: [], issues: [] };
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const value = VALUE_LINE.exec(line);
    if (value) {
      result.values.push({ md5: value[1]!.toLowerCase(), eventUuid: value[2]!.toLowerCase(), line: index + 1 });
      return;
    }
    const digest = FILE_LINE.exec(line);
    if (digest) {
      result.files.push({ file: digest[1]!, md5: digest[2]!.toLowerCase(), sha1: digest[3]!.toLowerCase(), line: index + 1 });
      return;
    }
    result.issues.push({
      code: 'TIX_INPUT_BAD_FIELD',
      file,
      line: index + 1,
      message: `neither "<md5>,<event uuid>" (MISP) nor "<event file>,<md5>,<sha1>" (got "${line.slice(0, 80)}")`,
      severity: 'error',
    });
  });
  const kinds = (result.values.length ? 1 : 0) + (result.files.length ? 2 : 0);
  result.layout = kinds === 3 ? 'mixed' : kinds === 2 ? 'files' : kinds === 1 ? 'values' : 'empty';
  return result;
}
