import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { TixError } from '../../errors.ts';
import { PapSchema, TlpSchema } from '../../model/index.ts';
import { diffLines } from '../../reports/diff.ts';
import { prepareReport } from '../../reports/report.ts';
import { reportEvent } from '../../reports/misp.ts';
import { reportBundle, reportsFromStix } from '../../reports/stix.ts';
import type { Store } from '../../store/store.ts';
import { requireMember } from '../app.ts';
import { OutcomeWireSchema, serialiseOutcome } from '../feedback.ts';
import { operation, parsePart, pathOf, type OperationBook } from '../operation.ts';
import { HttpProblem } from '../problem.ts';
import { draftOf, NewReportSchema, ReportContentSchema, reportReader, ReportWireSchema, serialiseReport } from '../report-wire.ts';
import { page, pageSchema, ProblemSchema } from '../schemas.ts';
import { WRITERS } from './indicator-writes.ts';
import { valueOf } from './indicators.ts';

const IdParams = z.object({ id: z.coerce.number().int().min(1) }).strict();
const notFound = (id: number | string): HttpProblem => new HttpProblem(404, 'Not Found', `no report ${id} that you may read`, 'TIX_NOT_FOUND');

/** The agreements named, each one the caller's organisation is a member of; the investigation, one it is a member of. */
async function sharing(store: Store, org: number, agreements: Array<string | number> = [], investigation?: number | string): Promise<{ agreements: number[]; investigation?: number }> {
  const ids: number[] = [];
  for (const name of agreements) {
    const agreement = await store.findAgreement(name);
    if (!agreement || !agreement.members.includes(org)) throw new HttpProblem(400, 'Bad Request', `body.agreements: no agreement "${String(name).slice(0, 80)}" that your organisation is a member of`, 'TIX_INPUT_BAD_FIELD');
    ids.push(agreement.id);
  }
  if (investigation === undefined) return { agreements: ids };
  const found = await store.getInvestigation(investigation, org);
  if (!found) throw new TixError('TIX_CASE_UNKNOWN', `no investigation "${String(investigation).slice(0, 80)}" that your organisation is a member of`);
  return { agreements: ids, investigation: found.id };
}

/**
 * Research reports: Markdown write-ups with linked values, malware, actors,
 * campaigns and attachments, shared as data is (TLP, agreements) or kept to
 * an investigation's members; versioned, with a line diff between versions,
 * and exported and imported as STIX 2.1 report objects.
 */
export function reportRoutes(app: FastifyInstance, book: OperationBook): void {
  const { store } = app.tixOptions;

  const create = async (request: FastifyRequest, body: z.infer<typeof NewReportSchema>, stixId?: string) => {
    const caller = requireMember(request, WRITERS);
    const reader = await reportReader(request);
    const shared = await sharing(store, caller.org, body.agreements, body.investigation);
    const prepared = prepareReport(draftOf(body), request.tix.now);
    const distribution = await store.distribution({ owner: caller.org, agreements: shared.agreements.sort((a, b) => a - b), recipientOrgs: [], recipientUsers: [] });
    const report = await store.createReport(
      {
        owner: caller.org,
        distribution: distribution.id,
        tlp: body.tlp,
        ...(body.pap ? { pap: body.pap } : {}),
        ...(shared.investigation === undefined ? {} : { investigation: shared.investigation }),
        ...(stixId ? { stixId } : {}),
        content: prepared.content,
        blobs: prepared.blobs,
        ...(caller.user === undefined ? {} : { user: caller.user }),
        createdAt: request.tix.now,
      },
      reader,
    );
    await request.tix.audit({ action: 'write:report', target: pathOf(request), detail: { id: report.id, stixId: report.stixId, tlp: report.tlp, investigation: report.investigation }, count: 1 });
    return { report, neutralised: prepared.neutralised };
  };

  operation(
    app,
    book,
    {
      method: 'POST',
      path: '/reports',
      operationId: 'createReport',
      tag: 'reports',
      summary: 'Publish a research report',
      description:
        'A Markdown report owned by the caller\'s organisation, shared under its TLP and agreements as data is, or kept to an investigation\'s members. Links values (named, or found in `indicatorText`), malware, actors, campaigns (names or STIX ids the author may read) and attachments. `neutralised` lists what the sanitiser changed in the body. Refused whole on any bad link or oversized attachment.',
      access: WRITERS.join(', '),
      body: NewReportSchema,
      responses: {
        201: { description: 'the report', schema: ReportWireSchema.extend({ neutralised: z.array(z.string()) }) },
        404: { description: 'no such investigation of the caller (TIX_CASE_UNKNOWN)', schema: ProblemSchema },
        413: { description: 'an attachment is over 4 MiB (TIX_ATTACHMENT_TOO_LARGE)', schema: ProblemSchema },
      },
    },
    async ({ body }, request, reply) => {
      const { report, neutralised } = await create(request, body);
      return reply.code(201).send({ ...serialiseReport(report), neutralised });
    },
  );

  operation(
    app,
    book,
    {
      method: 'POST',
      path: '/reports/import',
      operationId: 'importReports',
      tag: 'reports',
      summary: 'Import STIX 2.1 report objects',
      description: 'Each `report` of the bundle becomes a report of the caller\'s organisation: object_refs resolved against the bundle (indicators to values, malware, actors, campaigns to names); refs outside it must be objects the caller may read. All or nothing per report.',
      access: WRITERS.join(', '),
      body: z.object({ stix: z.unknown().describe('a STIX bundle, object or array of objects'), tlp: TlpSchema.optional().describe('default: the report\'s TLP marking, else amber'), pap: PapSchema.optional(), agreements: z.array(z.union([z.string(), z.number().int()])).max(50).optional(), investigation: z.union([z.number().int(), z.string()]).optional() }).strict(),
      responses: { 201: { description: 'the reports made', schema: z.object({ items: z.array(ReportWireSchema) }) } },
    },
    async ({ body }, request, reply) => {
      const items = [];
      for (const imported of reportsFromStix(body.stix)) {
        const draft = imported.draft;
        const content = {
          title: draft.title,
          body: draft.body,
          tlp: body.tlp ?? imported.tlp ?? 'amber',
          ...(draft.summary ? { summary: draft.summary } : {}),
          ...(draft.publishedAt === undefined ? {} : { publishedAt: new Date(draft.publishedAt).toISOString() }),
          ...(draft.indicators ? { indicators: [...draft.indicators] } : {}),
          ...(draft.malware ? { malware: [...draft.malware] } : {}),
          ...(draft.actors ? { actors: [...draft.actors] } : {}),
          ...(draft.campaigns ? { campaigns: [...draft.campaigns] } : {}),
          ...(draft.objects ? { objects: [...draft.objects] } : {}),
          ...((body.pap ?? imported.pap) ? { pap: body.pap ?? imported.pap } : {}),
          ...(body.agreements ? { agreements: body.agreements } : {}),
          ...(body.investigation === undefined ? {} : { investigation: body.investigation }),
        };
        // checked as a report written directly would be: a bad field is a 400 naming it
        items.push(serialiseReport((await create(request, parsePart(NewReportSchema, content, 'body'), imported.stixId)).report));
      }
      return reply.code(201).send({ items });
    },
  );

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/reports',
      operationId: 'listReports',
      tag: 'reports',
      summary: 'List reports',
      description: 'Reports the caller may read, newest first: shared ones under the sharing rules, an investigation\'s to its members alone.',
      access: 'any member',
      query: z
        .object({
          type: z.string().max(40).optional(),
          value: z.string().max(8192).optional().describe('only reports linking this value'),
          investigation: z.coerce.number().int().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          next: z.string().max(20).optional(),
        })
        .strict(),
      responses: { 200: { description: 'a page of reports', schema: pageSchema(ReportWireSchema) } },
    },
    async ({ query }, request) => {
      requireMember(request);
      const indicator = query.value === undefined ? undefined : valueOf(query.type, query.value, 'query');
      const result = await store.listReports({
        reader: await reportReader(request),
        ...(indicator ? { indicator } : {}),
        ...(query.investigation === undefined ? {} : { investigation: query.investigation }),
        limit: query.limit,
        ...(query.next ? { after: query.next } : {}),
      });
      await request.tix.audit({ action: 'read:reports', target: pathOf(request), detail: { ...query }, count: result.items.length });
      return page(result, serialiseReport);
    },
  );

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/reports/{id}',
      operationId: 'getReport',
      tag: 'reports',
      summary: 'One report',
      description: 'The current version, or `version=N`.',
      access: 'any member who may read it',
      params: IdParams,
      query: z.object({ version: z.coerce.number().int().min(1).optional() }).strict(),
      responses: { 200: { description: 'the report, with the outcomes recorded on it that the caller may read', schema: ReportWireSchema.extend({ outcomes: z.array(OutcomeWireSchema).optional() }) }, 404: { description: 'no such report that the caller may read', schema: ProblemSchema } },
    },
    async ({ params, query }, request) => {
      requireMember(request);
      const report = await store.getReport(params.id, await reportReader(request), query.version);
      await request.tix.audit({ action: 'read:report', target: pathOf(request), detail: { id: params.id, version: query.version }, count: report ? 1 : 0 });
      if (!report) throw notFound(params.id);
      // what came of it, for its owner and those who recorded it
      const outcomes = await store.listOutcomes({ report: report.id }, requireMember(request).org);
      return { ...serialiseReport(report), ...(outcomes.length ? { outcomes: outcomes.map(serialiseOutcome) } : {}) };
    },
  );

  operation(
    app,
    book,
    {
      method: 'POST',
      path: '/reports/{id}/versions',
      operationId: 'reviseReport',
      tag: 'reports',
      summary: 'Edit a report (a new version)',
      description: 'The whole content again; earlier versions stay readable, and `/diff` shows what changed. Only the owner organisation edits.',
      access: `${WRITERS.join(', ')} of the owner organisation`,
      params: IdParams,
      body: ReportContentSchema.strict(),
      responses: { 201: { description: 'the new version', schema: ReportWireSchema.extend({ neutralised: z.array(z.string()) }) }, 404: { description: 'no report of the caller\'s organisation', schema: ProblemSchema } },
    },
    async ({ params, body }, request, reply) => {
      const caller = requireMember(request, WRITERS);
      const prepared = prepareReport(draftOf(body), request.tix.now);
      const report = await store.reviseReport(params.id, { content: prepared.content, blobs: prepared.blobs, at: request.tix.now, ...(caller.user === undefined ? {} : { user: caller.user }) }, await reportReader(request));
      if (!report) throw new HttpProblem(404, 'Not Found', `no report ${params.id} of your organisation`, 'TIX_NOT_FOUND');
      await request.tix.audit({ action: 'write:report-version', target: pathOf(request), detail: { id: report.id, version: report.version }, count: 1 });
      return reply.code(201).send({ ...serialiseReport(report), neutralised: prepared.neutralised });
    },
  );

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/reports/{id}/diff',
      operationId: 'diffReport',
      tag: 'reports',
      summary: 'What changed between two versions',
      description: 'A line diff of the bodies (and the title and links compared), from `from` (default: the version before `to`) to `to` (default: the current one).',
      access: 'any member who may read it',
      params: IdParams,
      query: z.object({ from: z.coerce.number().int().min(1).optional(), to: z.coerce.number().int().min(1).optional() }).strict(),
      responses: {
        200: {
          description: 'the diff',
          schema: z.object({
            from: z.number().int(),
            to: z.number().int(),
            title: z.object({ from: z.string(), to: z.string() }).optional(),
            lines: z.array(z.object({ op: z.enum(['same', 'added', 'removed']), text: z.string() })),
            added: z.number().int(),
            removed: z.number().int(),
            indicators: z.object({ added: z.array(z.string()), removed: z.array(z.string()) }),
          }),
        },
        404: { description: 'no such report or version that the caller may read', schema: ProblemSchema },
      },
    },
    async ({ params, query }, request) => {
      requireMember(request);
      const reader = await reportReader(request);
      const to = await store.getReport(params.id, reader, query.to);
      const fromVersion = query.from ?? Math.max(1, (to?.version ?? 1) - 1);
      const from = to && (await store.getReport(params.id, reader, fromVersion));
      await request.tix.audit({ action: 'read:report-diff', target: pathOf(request), detail: { id: params.id, from: fromVersion, to: query.to }, count: from ? 1 : 0 });
      if (!to || !from) throw notFound(params.id);
      const keys = (report: typeof to): Set<string> => new Set(report.links.indicators.map((item) => `${item.type}:${item.value}`));
      const [before, after] = [keys(from), keys(to)];
      return {
        from: from.version,
        to: to.version,
        ...(from.title === to.title ? {} : { title: { from: from.title, to: to.title } }),
        ...diffLines(from.body, to.body),
        indicators: { added: [...after].filter((key) => !before.has(key)), removed: [...before].filter((key) => !after.has(key)) },
      };
    },
  );

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/reports/{id}/stix',
      operationId: 'exportReport',
      tag: 'reports',
      summary: 'A report as a STIX 2.1 bundle',
      description: 'The `report` object with `object_refs` to an indicator per linked value, malware, threat actors and campaigns, its author\'s identity and its TLP 2.0 marking.',
      access: 'any member who may read it',
      params: IdParams,
      query: z.object({ version: z.coerce.number().int().min(1).optional() }).strict(),
      responses: { 200: { description: 'a STIX bundle', schema: z.record(z.string(), z.unknown()), mediaType: 'application/stix+json;version=2.1' }, 404: { description: 'no such report', schema: ProblemSchema } },
    },
    async ({ params, query }, request, reply) => {
      requireMember(request);
      const report = await store.getReport(params.id, await reportReader(request), query.version);
      await request.tix.audit({ action: 'read:report-stix', target: pathOf(request), detail: { id: params.id, version: query.version }, count: report ? 1 : 0 });
      if (!report) throw notFound(params.id);
      return reply.type('application/stix+json;version=2.1').send(JSON.stringify(reportBundle(report)));
    },
  );

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/reports/{id}/misp',
      operationId: 'exportReportMisp',
      tag: 'reports',
      summary: 'A report as a MISP event',
      description: 'For MISP as the target: the body as an `EventReport`, each linked value as an attribute, malware, actors, campaigns, TLP and PAP as tags.',
      access: 'any member who may read it',
      params: IdParams,
      query: z.object({ version: z.coerce.number().int().min(1).optional() }).strict(),
      responses: { 200: { description: 'a MISP event', schema: z.record(z.string(), z.unknown()) }, 404: { description: 'no such report', schema: ProblemSchema } },
    },
    async ({ params, query }, request) => {
      requireMember(request);
      const report = await store.getReport(params.id, await reportReader(request), query.version);
      await request.tix.audit({ action: 'read:report-misp', target: pathOf(request), detail: { id: params.id, version: query.version }, count: report ? 1 : 0 });
      if (!report) throw notFound(params.id);
      return reportEvent(report);
    },
  );

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/reports/{id}/attachments/{sha256}',
      operationId: 'getReportAttachment',
      tag: 'reports',
      summary: 'Download an attachment',
      description: 'The bytes as stored, always as a download (`application/octet-stream`, `Content-Disposition: attachment`, no sniffing, a sandboxing CSP): never rendered.',
      access: 'any member who may read the report',
      params: z.object({ id: z.coerce.number().int().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict(),
      responses: { 200: { description: 'the bytes', mediaType: 'application/octet-stream' }, 404: { description: 'no such attachment of a report the caller may read', schema: ProblemSchema } },
    },
    async ({ params }, request, reply) => {
      requireMember(request);
      const found = await store.getAttachment(params.id, params.sha256, await reportReader(request));
      await request.tix.audit({ action: 'read:report-attachment', target: pathOf(request), detail: { ...params }, count: found ? 1 : 0 });
      if (!found) throw new HttpProblem(404, 'Not Found', `no attachment ${params.sha256} of a report you may read`, 'TIX_NOT_FOUND');
      const ascii = found.meta.name.replace(/[^\x20-\x7e]|["\\]/g, '_');
      return reply
        .type('application/octet-stream')
        .header('content-disposition', `attachment; filename="${ascii}"`)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .send(found.content);
    },
  );
}
