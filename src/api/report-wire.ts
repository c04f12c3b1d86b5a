import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { NotFoundError } from '../errors.ts';
import { IndicatorTypeSchema, PapSchema, TlpSchema } from '../model/index.ts';
import type { ReportDraft } from '../reports/report.ts';
import type { Report, ReportReader } from '../store/reports.ts';
import { iso, IsoDateSchema, OrgRefSchema } from './schemas.ts';

/** The wire shapes of research reports and the request parts that make one. */

const IndicatorRefSchema = z.object({ type: IndicatorTypeSchema.optional().describe('detected when absent'), value: z.string().min(1).max(8192) }).strict();

/** What an author writes in each version (a new version repeats it whole). */
export const ReportContentSchema = z.object({
  title: z.string().min(1).max(500),
  summary: z.string().max(5000).optional(),
  body: z.string().max(1_000_000).describe('Markdown; raw HTML is escaped and links other than http(s), mailto and relative ones are replaced by `#blocked` before it is stored. Never rendered by the server.'),
  publishedAt: IsoDateSchema.optional().describe('default: now'),
  indicators: z.array(IndicatorRefSchema).max(10_000).optional().describe('values to link, normalised as ingest does'),
  indicatorText: z.string().max(1_000_000).optional().describe('pasted text: every indicator in it is linked'),
  malware: z.array(z.string().min(1).max(200)).max(500).optional().describe('names, or STIX ids the author may read'),
  actors: z.array(z.string().min(1).max(200)).max(500).optional().describe('threat actors: names, or STIX ids the author may read'),
  campaigns: z.array(z.string().min(1).max(200)).max(500).optional().describe('names, or STIX ids the author may read'),
  objects: z.array(z.string().min(1).max(200)).max(1000).optional().describe('STIX ids of objects the author may read'),
  attachments: z
    .array(z.object({ name: z.string().min(1).max(200), mediaType: z.string().max(100).optional(), content: z.base64().describe('the bytes, base64') }).strict())
    .max(20)
    .optional()
    .describe('stored by SHA-256, 4 MiB each at most; served only as downloads, never rendered'),
});

export const NewReportSchema = ReportContentSchema.extend({
  tlp: TlpSchema.default('amber'),
  pap: PapSchema.optional(),
  agreements: z.array(z.union([z.string().min(1).max(200), z.number().int()])).max(50).optional().describe('agreements (names or ids) of the caller\'s organisation to share it under'),
  investigation: z.union([z.number().int(), z.string().min(1).max(100)]).optional().describe('an investigation (id or the caller\'s case number): then its members alone read the report'),
}).strict();

export const ReportWireSchema = z.object({
  id: z.number().int(),
  stixId: z.string(),
  owner: OrgRefSchema,
  tlp: TlpSchema,
  pap: PapSchema.optional(),
  investigation: z.number().int().optional(),
  version: z.number().int(),
  latestVersion: z.number().int(),
  title: z.string(),
  summary: z.string().optional(),
  body: z.string().describe('sanitised Markdown'),
  publishedAt: IsoDateSchema,
  links: z.object({
    indicators: z.array(z.object({ type: IndicatorTypeSchema, value: z.string() })),
    malware: z.array(z.string()),
    actors: z.array(z.string()),
    campaigns: z.array(z.string()),
    objects: z.array(z.string()),
  }),
  attachments: z.array(z.object({ name: z.string(), mediaType: z.string(), size: z.number().int(), sha256: z.string() })),
  createdAt: IsoDateSchema,
  updatedAt: IsoDateSchema,
});

export function serialiseReport(report: Report): z.infer<typeof ReportWireSchema> {
  return {
    id: report.id,
    stixId: report.stixId,
    owner: { id: report.owner, name: report.ownerName },
    tlp: report.tlp,
    ...(report.pap ? { pap: report.pap } : {}),
    ...(report.investigation === undefined ? {} : { investigation: report.investigation }),
    version: report.version,
    latestVersion: report.latestVersion,
    title: report.title,
    ...(report.summary === undefined ? {} : { summary: report.summary }),
    body: report.body,
    publishedAt: iso(report.publishedAt),
    links: report.links,
    attachments: report.attachments,
    createdAt: iso(report.createdAt),
    updatedAt: iso(report.updatedAt),
  };
}

/** A request's report content as a draft: dates parsed, attachments decoded (their size checked when prepared). */
export function draftOf(body: z.infer<typeof ReportContentSchema>): ReportDraft {
  return {
    title: body.title,
    body: body.body,
    ...(body.summary === undefined ? {} : { summary: body.summary }),
    ...(body.publishedAt ? { publishedAt: Date.parse(body.publishedAt) } : {}),
    ...(body.indicators ? { indicators: body.indicators } : {}),
    ...(body.indicatorText ? { indicatorText: body.indicatorText } : {}),
    ...(body.malware ? { malware: body.malware } : {}),
    ...(body.actors ? { actors: body.actors } : {}),
    ...(body.campaigns ? { campaigns: body.campaigns } : {}),
    ...(body.objects ? { objects: body.objects } : {}),
    ...(body.attachments
      ? { attachments: body.attachments.map((item) => ({ name: item.name, content: Buffer.from(item.content, 'base64'), ...(item.mediaType ? { mediaType: item.mediaType } : {}) })) }
      : {}),
  };
}

/** The caller as a report reader: its organisation and its clearance. */
export async function reportReader(request: FastifyRequest): Promise<ReportReader> {
  const principal = request.tix.principal;
  if (principal.kind !== 'member') throw new NotFoundError('no such report');
  return { org: principal.org, clearance: await request.tix.clearance() };
}
