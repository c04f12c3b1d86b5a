import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { NotFoundError, TixError } from '../../errors.ts';
import { mayOpenInvestigation } from '../../investigations/rules.ts';
import { IndicatorTypeSchema, PapSchema, TlpSchema } from '../../model/index.ts';
import type { Investigation, InvestigationItem, NewItem } from '../../store/investigations.ts';
import type { Store } from '../../store/store.ts';
import { requireMember } from '../app.ts';
import { operation, pathOf, type OperationBook } from '../operation.ts';
import { reportReader } from '../report-wire.ts';
import { iso, IsoDateSchema, OrgRefSchema, ProblemSchema } from '../schemas.ts';
import { WRITERS } from './indicator-writes.ts';
import { valueOf } from './indicators.ts';

export const CaseRefParams = z.object({ ref: z.string().min(1).max(100).describe('the investigation\'s id, or the caller\'s own case number') }).strict();
export const OrgRefInputSchema = z.union([z.string().min(1).max(200), z.number().int()]).describe('an organisation\'s name or id');

const InvestigationWireSchema = z.object({
  id: z.number().int(),
  caseNumber: z.string(),
  title: z.string(),
  organisation: OrgRefSchema.describe('the police organisation that opened it'),
  countries: z.array(z.string()),
  leadOfficer: z.string().optional(),
  tlp: TlpSchema,
  pap: PapSchema.optional(),
  members: z.array(OrgRefSchema),
  createdAt: IsoDateSchema,
});

const ItemWireSchema = z.object({
  id: z.number().int(),
  kind: z.enum(['finding', 'indicator', 'report']),
  indicator: z.object({ type: IndicatorTypeSchema, value: z.string() }).optional(),
  report: z.object({ id: z.number().int(), title: z.string() }).optional(),
  data: z.unknown().optional(),
  note: z.string().optional(),
  addedBy: OrgRefSchema,
  createdAt: IsoDateSchema,
});

const NewItemSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('finding'), data: z.unknown().describe('evidence findings as JSON, e.g. the triage report of `tix scan`'), note: z.string().max(5000).optional() }).strict(),
  z.object({ kind: z.literal('indicator'), type: IndicatorTypeSchema.optional(), value: z.string().min(1).max(8192), note: z.string().max(5000).optional() }).strict(),
  z.object({ kind: z.literal('report'), report: z.number().int().describe('a report the caller may read'), note: z.string().max(5000).optional() }).strict(),
]);

export function serialiseInvestigation(investigation: Investigation): z.infer<typeof InvestigationWireSchema> {
  return {
    id: investigation.id,
    caseNumber: investigation.caseNumber,
    title: investigation.title,
    organisation: { id: investigation.org, name: investigation.orgName },
    countries: investigation.countries,
    ...(investigation.leadOfficer ? { leadOfficer: investigation.leadOfficer } : {}),
    tlp: investigation.tlp,
    ...(investigation.pap ? { pap: investigation.pap } : {}),
    members: investigation.members,
    createdAt: iso(investigation.createdAt),
  };
}

function serialiseItem(item: InvestigationItem): z.infer<typeof ItemWireSchema> {
  return {
    id: item.id,
    kind: item.kind,
    ...(item.indicator ? { indicator: item.indicator } : {}),
    ...(item.report ? { report: item.report } : {}),
    ...(item.data === undefined ? {} : { data: item.data }),
    ...(item.note === undefined ? {} : { note: item.note }),
    addedBy: { id: item.org, name: item.orgName },
    createdAt: iso(item.createdAt),
  };
}

/** The investigation a path names, if the caller's organisation is a member; TIX_CASE_UNKNOWN otherwise, alike for one that does not exist. */
export async function caseOf(store: Store, request: FastifyRequest, ref: string): Promise<Investigation> {
  const caller = requireMember(request);
  const found = (/^\d+$/.test(ref) ? await store.getInvestigation(Number(ref), caller.org) : undefined) ?? (await store.getInvestigation(ref, caller.org));
  if (!found) {
    // a refused look-up is a read too: the audit log shows who tried which case
    await request.tix.audit({ action: 'read:investigation', target: pathOf(request), detail: { ref: ref.slice(0, 100), refused: true }, count: 0 });
    throw new TixError('TIX_CASE_UNKNOWN', `no investigation "${ref.slice(0, 100)}" that your organisation is a member of`);
  }
  return found;
}

export async function orgIdOf(store: Store, ref: string | number): Promise<number> {
  const org = await store.findOrganisation(typeof ref === 'string' && /^\d+$/.test(ref) ? Number(ref) : ref);
  if (!org) throw new NotFoundError(`no organisation "${String(ref).slice(0, 100)}"`);
  return org.id;
}

/**
 * Investigations: a police organisation's case, its items and its members.
 * Everything here is read by the members alone, whatever the TLP of the
 * items, and every read is audited.
 */
export function investigationRoutes(app: FastifyInstance, book: OperationBook): void {
  const { store } = app.tixOptions;
  const members = 'members of the investigation';

  operation(
    app,
    book,
    {
      method: 'POST',
      path: '/investigations',
      operationId: 'openInvestigation',
      tag: 'investigations',
      summary: 'Open an investigation',
      description: 'A police organisation opens a case under its own case number, and may invite member organisations at once.',
      access: `${WRITERS.join(', ')} of a police organisation`,
      body: z
        .object({
          caseNumber: z.string().min(1).max(100),
          title: z.string().min(1).max(500),
          countries: z.array(z.string().regex(/^[A-Za-z]{2}$/)).max(50).default([]),
          leadOfficer: z.string().max(200).optional(),
          tlp: TlpSchema.default('amber'),
          pap: PapSchema.optional(),
          members: z.array(OrgRefInputSchema).max(50).default([]),
        })
        .strict(),
      responses: { 201: { description: 'the investigation', schema: InvestigationWireSchema }, 403: { description: 'not a police organisation (TIX_CASE_DENIED)', schema: ProblemSchema }, 409: { description: 'the case number is taken', schema: ProblemSchema } },
    },
    async ({ body }, request, reply) => {
      const caller = requireMember(request, WRITERS);
      const org = await store.findOrganisation(caller.org);
      if (!org || !mayOpenInvestigation(org.kind)) throw new TixError('TIX_CASE_DENIED', 'only police organisations open investigations');
      const invited = await Promise.all(body.members.map((member) => orgIdOf(store, member)));
      const opened = await store.openInvestigation({
        org: caller.org,
        caseNumber: body.caseNumber,
        title: body.title,
        countries: body.countries.map((country) => country.toUpperCase()),
        ...(body.leadOfficer ? { leadOfficer: body.leadOfficer } : {}),
        tlp: body.tlp,
        ...(body.pap ? { pap: body.pap } : {}),
        createdAt: request.tix.now,
      });
      const investigation = invited.length ? await store.inviteMembers(opened.id, caller.org, invited, request.tix.now) : opened;
      await request.tix.audit({ action: 'write:investigation', target: pathOf(request), detail: { id: investigation.id, caseNumber: investigation.caseNumber, members: invited }, count: 1 });
      return reply.code(201).send(serialiseInvestigation(investigation));
    },
  );

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/investigations',
      operationId: 'listInvestigations',
      tag: 'investigations',
      summary: 'List investigations',
      description: 'The investigations the caller\'s organisation is a member of.',
      access: 'any member',
      responses: { 200: { description: 'the investigations', schema: z.object({ items: z.array(InvestigationWireSchema) }) } },
    },
    async (_input, request) => {
      const caller = requireMember(request);
      const items = await store.listInvestigations(caller.org);
      await request.tix.audit({ action: 'read:investigations', target: pathOf(request), detail: {}, count: items.length });
      return { items: items.map(serialiseInvestigation) };
    },
  );

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/investigations/{ref}',
      operationId: 'getInvestigation',
      tag: 'investigations',
      summary: 'One investigation',
      access: members,
      params: CaseRefParams,
      responses: { 200: { description: 'the investigation', schema: InvestigationWireSchema }, 404: { description: 'no such investigation of which the caller is a member (TIX_CASE_UNKNOWN)', schema: ProblemSchema } },
    },
    async ({ params }, request) => {
      const investigation = await caseOf(store, request, params.ref);
      await request.tix.audit({ action: 'read:investigation', target: pathOf(request), detail: { id: investigation.id }, count: 1 });
      return serialiseInvestigation(investigation);
    },
  );

  operation(
    app,
    book,
    {
      method: 'POST',
      path: '/investigations/{ref}/members',
      operationId: 'inviteMembers',
      tag: 'investigations',
      summary: 'Invite organisations',
      description: 'The opening organisation invites others; they then read everything in the investigation.',
      access: `${WRITERS.join(', ')} of the opening organisation`,
      params: CaseRefParams,
      body: z.object({ organisations: z.array(OrgRefInputSchema).min(1).max(50) }).strict(),
      responses: { 200: { description: 'the investigation', schema: InvestigationWireSchema }, 403: { description: 'not the opening organisation (TIX_CASE_DENIED)', schema: ProblemSchema } },
    },
    async ({ params, body }, request) => {
      const caller = requireMember(request, WRITERS);
      const investigation = await caseOf(store, request, params.ref);
      const orgs = await Promise.all(body.organisations.map((ref) => orgIdOf(store, ref)));
      const updated = await store.inviteMembers(investigation.id, caller.org, orgs, request.tix.now);
      await request.tix.audit({ action: 'write:investigation-members', target: pathOf(request), detail: { id: investigation.id, orgs }, count: orgs.length });
      return serialiseInvestigation(updated);
    },
  );

  operation(
    app,
    book,
    {
      method: 'POST',
      path: '/investigations/{ref}/items',
      operationId: 'addInvestigationItem',
      tag: 'investigations',
      summary: 'Attach a finding, an indicator or a report',
      description: 'A finding is JSON as given (a `tix scan` triage report, say); an indicator is a value (normalised, not added to the indicator store); a report must be one the caller may read. Members then read it, whatever its own TLP.',
      access: `${WRITERS.join(', ')} of a member organisation`,
      params: CaseRefParams,
      body: NewItemSchema,
      responses: { 201: { description: 'the item', schema: ItemWireSchema } },
    },
    async ({ params, body }, request, reply) => {
      const caller = requireMember(request, WRITERS);
      const investigation = await caseOf(store, request, params.ref);
      let item: NewItem;
      if (body.kind === 'indicator') item = { kind: 'indicator', indicator: valueOf(body.type, body.value, 'body'), ...(body.note ? { note: body.note } : {}) };
      else if (body.kind === 'report') {
        if (!(await store.getReport(body.report, await reportReader(request)))) throw new TixError('TIX_REPORT_BAD_REF', `no report ${body.report} that you may read`);
        item = { kind: 'report', report: body.report, ...(body.note ? { note: body.note } : {}) };
      } else item = { kind: 'finding', data: body.data ?? null, ...(body.note ? { note: body.note } : {}) };
      const added = await store.addItem(investigation.id, item, { org: caller.org, ...(caller.user === undefined ? {} : { user: caller.user }) }, request.tix.now);
      await request.tix.audit({ action: 'write:investigation-item', target: pathOf(request), detail: { id: investigation.id, item: added.id, kind: added.kind }, count: 1 });
      return reply.code(201).send(serialiseItem(added));
    },
  );

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/investigations/{ref}/items',
      operationId: 'listInvestigationItems',
      tag: 'investigations',
      summary: 'The items of an investigation',
      access: members,
      params: CaseRefParams,
      responses: { 200: { description: 'the items, oldest first', schema: z.object({ items: z.array(ItemWireSchema) }) } },
    },
    async ({ params }, request) => {
      const caller = requireMember(request);
      const investigation = await caseOf(store, request, params.ref);
      const items = await store.listItems(investigation.id, caller.org);
      await request.tix.audit({ action: 'read:investigation-items', target: pathOf(request), detail: { id: investigation.id }, count: items.length });
      return { items: items.map(serialiseItem) };
    },
  );
}
