import { createHash } from 'node:crypto';
import { InputError, TixError } from '../errors.ts';
import { extractIndicators } from '../formats/freetext/index.ts';
import type { IndicatorType } from '../model/index.ts';
import { normalise } from '../normalise/index.ts';
import { sanitiseMarkdown } from './markdown.ts';

/** The largest attachment a report may carry, in bytes. */
export const ATTACHMENT_LIMIT = 4 * 1024 * 1024;

/** A STIX id of a kind a report links by reference: malware, threat actors, intrusion sets, campaigns, or any object. */
const STIX_ID = /^[a-z][a-z0-9-]*--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface ReportLinks {
  indicators: Array<{ type: IndicatorType; value: string }>;
  malware: string[];
  actors: string[];
  campaigns: string[];
  /** STIX ids of objects of the object store (each must be readable by the author). */
  objects: string[];
}

export interface AttachmentMeta {
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
}

export interface ReportContent {
  title: string;
  summary?: string;
  /** Sanitised Markdown (see markdown.ts). */
  body: string;
  publishedAt: number;
  links: ReportLinks;
  attachments: AttachmentMeta[];
}

/** A report as its author gives it: values by name or pasted text, names or STIX ids, attachment bytes. */
export interface ReportDraft {
  title: string;
  summary?: string;
  body: string;
  publishedAt?: number;
  /** Values, each normalised as ingest does (`type:` optional). */
  indicators?: ReadonlyArray<{ type?: IndicatorType; value: string }>;
  /** Pasted text: every indicator in it is linked (the freetext format's extraction). */
  indicatorText?: string;
  /** Names, or STIX ids (which then must be readable by the author). */
  malware?: readonly string[];
  actors?: readonly string[];
  campaigns?: readonly string[];
  objects?: readonly string[];
  attachments?: ReadonlyArray<{ name: string; mediaType?: string; content: Buffer }>;
}

export interface PreparedReport {
  content: ReportContent;
  /** Attachment bytes by SHA-256, to store once each. */
  blobs: Map<string, Buffer>;
  /** What the sanitiser neutralised in the body. */
  neutralised: string[];
}

const clean = (names: readonly string[] | undefined): string[] => [...new Set((names ?? []).map((name) => name.trim()).filter(Boolean))];

/**
 * A draft made into what is stored: the body sanitised, values normalised
 * (an invalid named value is refused; pasted text only contributes what it
 * holds), names and STIX ids told apart, attachments hashed and held to
 * the size limit. Pure but for hashing; throws before anything is written.
 */
export function prepareReport(draft: ReportDraft, now: number): PreparedReport {
  const title = draft.title.trim();
  if (!title) throw new InputError('TIX_INPUT_BAD_FIELD', 'a report needs a title', { field: 'title' });
  const { markdown, neutralised } = sanitiseMarkdown(draft.body);
  const indicators = new Map<string, { type: IndicatorType; value: string }>();
  (draft.indicators ?? []).forEach((item, index) => {
    const result = normalise(item.value, item.type);
    if (!result.ok) throw new InputError('TIX_INPUT_BAD_VALUE', `indicators.${index}: ${result.reason}`, { field: `indicators.${index}`, value: item.value });
    indicators.set(`${result.type}\u0000${result.value}`, { type: result.type, value: result.value });
  });
  for (const line of (draft.indicatorText ?? '').split('\n')) {
    for (const found of extractIndicators(line)) indicators.set(`${found.type}\u0000${found.value}`, found);
  }
  const objects = new Set(clean(draft.objects));
  for (const id of objects) if (!STIX_ID.test(id)) throw new InputError('TIX_INPUT_BAD_FIELD', `objects: "${id.slice(0, 80)}" is not a STIX id`, { field: 'objects', value: id });
  const names = (list: readonly string[] | undefined): string[] =>
    clean(list).filter((name) => {
      if (!STIX_ID.test(name)) return true;
      objects.add(name);
      return false;
    });
  const blobs = new Map<string, Buffer>();
  const attachments = (draft.attachments ?? []).map((attachment, index): AttachmentMeta => {
    if (attachment.content.length > ATTACHMENT_LIMIT) {
      throw new TixError('TIX_ATTACHMENT_TOO_LARGE', `attachments.${index} ("${attachment.name.slice(0, 80)}") is ${attachment.content.length} bytes; the limit is ${ATTACHMENT_LIMIT}`);
    }
    const sha256 = createHash('sha256').update(attachment.content).digest('hex');
    blobs.set(sha256, attachment.content);
    // the name is only ever shown, never used as a path
    const name = attachment.name.replace(/[\u0000-\u001f\u007f/\\]/g, '_').slice(0, 200) || sha256;
    return { name, mediaType: attachment.mediaType ?? 'application/octet-stream', size: attachment.content.length, sha256 };
  });
  const content: ReportContent = {
    title: title.slice(0, 500),
    ...(draft.summary?.trim() ? { summary: draft.summary.trim() } : {}),
    body: markdown,
    publishedAt: draft.publishedAt ?? now,
    links: {
      indicators: [...indicators.values()].sort((a, b) => (a.type === b.type ? (a.value < b.value ? -1 : 1) : a.type < b.type ? -1 : 1)),
      malware: names(draft.malware),
      actors: names(draft.actors),
      campaigns: names(draft.campaigns),
      objects: [...objects].sort(),
    },
    attachments,
  };
  return { content, blobs, neutralised };
}
