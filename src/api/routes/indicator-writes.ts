import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { emitRecord } from '../../formats/common/record.ts';
import { IndicatorTypeSchema, ThreatTypeSchema, TlpSchema, type Observation } from '../../model/index.ts';
import { normalise } from '../../normalise/index.ts';
import type { Clearance } from '../../policy/index.ts';
import { requireMember } from '../app.ts';
import { operation, pathOf, type OperationBook } from '../operation.ts';
import { HttpProblem, type ProblemError } from '../problem.ts';
import { IsoDateSchema, ProblemSchema } from '../schemas.ts';

/** The roles that write indicators and sightings. */
export const WRITERS = ['analyst', 'sync', 'admin'] as const;
/** The most items one bulk request carries. */
export const MAX_BULK = 1000;

export const NewIndicatorSchema = z
  .object({
    type: IndicatorTypeSchema.optional().describe('the type; detected from the value when absent'),
    value: z.string().min(1).max(8192).describe('the value, fanged or defanged; normalised as ingest does'),
    tlp: TlpSchema.optional().describe('TLP 2.0 marking; AMBER when absent'),
    confidence: z.number().int().min(0).max(100).optional(),
    threatType: ThreatTypeSchema.optional(),
    malware: z.string().min(1).max(200).optional(),
    tags: z.array(z.string().min(1).max(100)).max(50).optional(),
    reference: z.string().min(1).max(2048).optional(),
    firstSeen: IsoDateSchema.optional(),
    lastSeen: IsoDateSchema.optional(),
    validUntil: IsoDateSchema.optional(),
  })
  .strict();

const RevokeSchema = z
  .object({
    type: IndicatorTypeSchema.optional(),
    value: z.string().min(1).max(8192),
    source: z.string().min(1).max(200).optional().describe('one of your organisation\'s sources; all of them that report the value when absent'),
    reason: z.string().max(500).optional(),
  })
  .strict();

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1).max(MAX_BULK)]);

const ItemErrorSchema = z.object({ index: z.number().int(), in: z.string(), path: z.string(), message: z.string() });

/** What the caller's organisation owns, and nothing else: its own sources at every TLP. */
function ownOnly(clearance: Clearance): Clearance {
  return { clear: false, green: false, own: clearance.own, amber: [], strict: [], red: [] };
}

const ms = (text: string | undefined): number | undefined => (text === undefined ? undefined : Date.parse(text));

/** Creating and revoking indicators as the caller's organisation. */
export function indicatorWriteRoutes(app: FastifyInstance, book: OperationBook): void {
  const { store } = app.tixOptions;

  operation(
    app,
    book,
    {
      method: 'POST',
      path: '/indicators',
      operationId: 'createIndicators',
      tag: 'indicators',
      summary: 'Create indicators',
      description: `One indicator, or an array of up to ${MAX_BULK}, reported by the caller's organisation: they land in its source \`api:<organisation>\`, which its organisation owns (first use: shared with no one; an administrator shares it). Each value is normalised and validated as ingest does; bad items are reported with their index and the good ones land together, atomically.`,
      access: WRITERS.join(', '),
      body: z.union([z.array(z.unknown()).min(1).max(MAX_BULK), z.record(z.string(), z.unknown())]),
      documentedBody: oneOrMany(NewIndicatorSchema),
      responses: {
        201: {
          description: 'the good items landed; `errors` lists the bad ones',
          schema: z.object({
            source: z.string(),
            accepted: z.number().int(),
            rejected: z.number().int(),
            counts: z.object({ new: z.number().int(), updated: z.number().int(), unchanged: z.number().int() }),
            items: z.array(z.object({ index: z.number().int(), type: IndicatorTypeSchema, value: z.string() })),
            errors: z.array(ItemErrorSchema),
          }),
        },
        403: { description: 'the caller may not write', schema: ProblemSchema },
        409: { description: 'the organisation\'s API source is owned by another organisation', schema: ProblemSchema },
        413: { description: 'the body is larger than the server accepts', schema: ProblemSchema },
        422: { description: 'no item could be read; `errors` says why, per item', schema: ProblemSchema },
      },
    },
    async ({ body }, request, reply) => {
      const caller = requireMember(request, WRITERS);
      const items = Array.isArray(body) ? body : [body];
      const errors: Array<ProblemError & { index: number }> = [];
      const accepted: Array<{ index: number; observation: Observation }> = [];
      const now = request.tix.now;
      const source = `api:${caller.orgName}`;
      const ctx = { file: `${request.method} ${pathOf(request)} by ${caller.orgName}`, now, options: {} };
      items.forEach((raw, index) => {
        const parsed = NewIndicatorSchema.safeParse(raw);
        if (!parsed.success) {
          for (const issue of parsed.error.issues.slice(0, 10)) errors.push({ index, in: 'body', path: [index, ...issue.path].map(String).join('.'), message: issue.message });
          return;
        }
        const item = parsed.data;
        emitRecord(
          {
            accept: (observation) => accepted.push({ index, observation }),
            reject: (issue) => errors.push({ index, in: 'body', path: `${index}.${issue.field ?? 'value'}`, message: issue.message }),
          },
          ctx,
          index + 1,
          JSON.stringify(item),
          {
            value: item.value,
            ...(item.type ? { type: item.type } : {}),
            ...(item.firstSeen ? { firstSeen: ms(item.firstSeen) } : {}),
            ...(item.lastSeen ? { lastSeen: ms(item.lastSeen) } : {}),
            ...(item.confidence === undefined ? {} : { confidence: item.confidence }),
            ...(item.threatType ? { threatType: item.threatType } : {}),
            ...(item.malware ? { malware: item.malware } : {}),
            ...(item.tags ? { tags: [...new Set(item.tags.map((tag) => tag.trim().toLowerCase()).filter(Boolean))].sort() } : {}),
            ...(item.reference ? { reference: item.reference } : {}),
            ...(item.tlp ? { tlp: item.tlp } : {}),
            ...(item.validUntil ? { validUntil: ms(item.validUntil) } : {}),
          },
        );
      });
      if (!accepted.length) {
        const first = errors[0];
        throw new HttpProblem(422, 'Unprocessable Content', `no item could be read; item ${first?.index ?? 0}: ${first?.message ?? 'empty'}`, 'TIX_INPUT_BAD_VALUE', {}, { errors: errors.slice(0, MAX_BULK) });
      }
      const clearance = await request.tix.clearance();
      const counts = await app.queueImport(async () => {
        // the source is the organisation's: on its first use shared with no one; later uses keep what an administrator made of its sharing
        const held = (await store.search({ source, includeInactive: true, now, limit: 1 })).items.length > 0;
        if (held && !(await store.search({ source, includeInactive: true, now, limit: 1, clearance: ownOnly(clearance) })).items.length) {
          throw new HttpProblem(409, 'Conflict', `the source ${source} is not owned by ${caller.orgName}; an administrator must fix its sharing`, 'TIX_CONFLICT');
        }
        const distribution = held ? undefined : (await store.distribution({ owner: caller.org, agreements: [], recipientOrgs: [], recipientUsers: [] })).id;
        const session = await store.beginImport({
          source,
          origin: ctx.file,
          format: 'api',
          startedAt: Math.max(now, app.tixOptions.now()),
          tlp: 'amber',
          ...(distribution === undefined ? {} : { distribution }),
        });
        try {
          await session.add(accepted.map((item) => item.observation));
          return await session.commit({ read: items.length, accepted: accepted.length, rejected: items.length - new Set(accepted.map((item) => item.index)).size });
        } catch (error) {
          await session.rollback();
          throw error;
        }
      });
      const result = {
        source,
        accepted: accepted.length,
        rejected: new Set(errors.map((error) => error.index)).size,
        counts: { new: counts.new, updated: counts.updated, unchanged: counts.unchanged },
        items: accepted.map(({ index, observation }) => ({ index, type: observation.type, value: observation.value })),
        errors,
      };
      await request.tix.audit({
        action: 'write:indicators',
        target: pathOf(request),
        detail: { source, accepted: result.accepted, rejected: result.rejected, ...result.counts },
        count: result.accepted,
      });
      return reply.code(201).send(result);
    },
  );

  operation(
    app,
    book,
    {
      method: 'POST',
      path: '/indicators/revoke',
      operationId: 'revokeIndicators',
      tag: 'indicators',
      summary: 'Revoke indicators',
      description: `Withdraws values (one, or an array of up to ${MAX_BULK}) from the caller's organisation's own sources: only sources its organisation owns can be revoked from, and other organisations' views of the values stay as they are.`,
      access: WRITERS.join(', '),
      body: oneOrMany(RevokeSchema),
      responses: {
        200: {
          description: 'what was revoked, and from which sources; `errors` lists what could not be',
          schema: z.object({
            revoked: z.array(z.object({ index: z.number().int(), type: IndicatorTypeSchema, value: z.string(), sources: z.array(z.string()) })),
            errors: z.array(ItemErrorSchema),
          }),
        },
        403: { description: 'the caller may not write', schema: ProblemSchema },
        404: { description: 'none of the values is reported by a source of the caller\'s organisation', schema: ProblemSchema },
      },
    },
    async ({ body }, request) => {
      requireMember(request, WRITERS);
      const items = Array.isArray(body) ? body : [body];
      const own = ownOnly(await request.tix.clearance());
      const now = request.tix.now;
      const revoked: Array<{ index: number; type: Observation['type']; value: string; sources: string[] }> = [];
      const errors: Array<ProblemError & { index: number }> = [];
      for (const [index, item] of items.entries()) {
        const normalised = normalise(item.value, item.type);
        if (!normalised.ok) {
          errors.push({ index, in: 'body', path: `${index}.value`, message: normalised.reason });
          continue;
        }
        const detail = await store.get(normalised.type, normalised.value, now, own);
        const sources = (detail?.observations ?? []).map((view) => view.source).filter((name) => item.source === undefined || name === item.source);
        const done: string[] = [];
        for (const name of sources) {
          if (await store.revoke({ type: normalised.type, value: normalised.value, source: name, at: now, ...(item.reason ? { reason: item.reason } : {}) })) done.push(name);
        }
        if (!done.length) {
          errors.push({ index, in: 'body', path: `${index}.value`, message: `no source of your organisation${item.source ? ` named ${item.source}` : ''} reports ${normalised.type} ${normalised.value.slice(0, 200)}` });
          continue;
        }
        revoked.push({ index, type: normalised.type, value: normalised.value, sources: done });
      }
      await request.tix.audit({
        action: 'write:revoke',
        target: pathOf(request),
        detail: { values: revoked.map((item) => `${item.type}:${item.value}`).slice(0, 100), failed: errors.length },
        count: revoked.length,
      });
      if (!revoked.length) {
        throw new HttpProblem(404, 'Not Found', `nothing revoked; item ${errors[0]!.index}: ${errors[0]!.message}`, 'TIX_NOT_FOUND', {}, { errors });
      }
      return { revoked, errors };
    },
  );
}
