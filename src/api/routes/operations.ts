import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { countryOf } from '../../enrich/countries.ts';
import { tarDirectory } from '../../io/tar.ts';
import { OUTCOME_KINDS, type Operation } from '../../ops/operation.ts';
import { ItemGrouper } from '../../ops/package/items.ts';
import { buildPackages } from '../../ops/packages.ts';
import { OPERATOR_ORG, requireMember } from '../app.ts';
import { operation as route, pathOf, type OperationBook } from '../operation.ts';
import { HttpProblem } from '../problem.ts';
import { iso, IsoDateSchema, ProblemSchema } from '../schemas.ts';

const CountrySchema = z.object({ code: z.string(), numeric: z.string().optional().describe('ISO 3166-1 numeric, as world maps name countries'), name: z.string().optional() });

const OperationWireSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  countries: z.array(CountrySchema),
  startsAt: IsoDateSchema,
  endsAt: IsoDateSchema,
  agreement: z.string().optional().describe('the agreement the operation works under'),
  partners: z.array(z.object({ id: z.number().int(), name: z.string() })),
  tag: z.string(),
  counts: z.record(z.string(), z.number().int()).describe('values in scope per country that the caller may read (ZZ: tagged for the operation, not located)'),
  outcomes: z.array(
    z.object({
      kind: z.enum(OUTCOME_KINDS),
      country: z.string(),
      at: IsoDateSchema,
      count: z.number().int(),
      amount: z.number().optional(),
      currency: z.string().optional(),
      note: z.string().optional(),
    }),
  ),
});

/**
 * Operations as their members see them: where, when, what of their scope
 * the caller may read per country, what came of them, and a country's
 * package built for the caller's organisation (under its clearance) as a
 * tar archive.
 */
export function operationRoutes(app: FastifyInstance, book: OperationBook): void {
  const { store } = app.tixOptions;

  /** An operation is seen by the operator, its partners and the members of its agreement. */
  async function visible(request: FastifyRequest): Promise<Operation[]> {
    const caller = requireMember(request);
    const operations = await store.listOperations();
    if (caller.org === OPERATOR_ORG) return operations;
    const agreements = new Map((await store.listAgreements()).map((agreement) => [agreement.id, agreement]));
    return operations.filter((op) => op.partners.includes(caller.org) || (op.agreement !== undefined && agreements.get(op.agreement)?.members.includes(caller.org)));
  }

  route(
    app,
    book,
    {
      method: 'GET',
      path: '/operations',
      operationId: 'listOperations',
      tag: 'operations',
      summary: 'List operations',
      description: 'The operations the caller\'s organisation takes part in (as a partner or a member of the operation\'s agreement; the operator sees all): countries, window, partners, outcomes, and per country how many values of the operation\'s scope the caller may read.',
      access: 'any member',
      responses: { 200: { description: 'the operations', schema: z.object({ items: z.array(OperationWireSchema) }) } },
    },
    async (_input, request) => {
      const operations = await visible(request);
      const clearance = await request.tix.clearance();
      const agreements = new Map((await store.listAgreements()).map((agreement) => [agreement.id, agreement.name]));
      const items: Array<z.infer<typeof OperationWireSchema>> = [];
      for (const op of operations) {
        const grouper = new ItemGrouper(op);
        for await (const rows of store.scopeRows({ countries: op.countries, tag: op.tag, from: op.startsAt, to: op.endsAt, clearance, now: request.tix.now })) grouper.add(rows);
        const counts = Object.fromEntries([...grouper.finish()].map(([country, found]) => [country, found.length]));
        const partners = await Promise.all(op.partners.map(async (id) => ({ id, name: (await store.findOrganisation(id))?.name ?? `organisation ${id}` })));
        items.push({
          id: op.id,
          name: op.name,
          countries: op.countries.map((code) => {
            const country = countryOf(code);
            return { code, ...(country ? { numeric: country.numeric, name: country.name } : {}) };
          }),
          startsAt: iso(op.startsAt),
          endsAt: iso(op.endsAt),
          ...(op.agreement !== undefined && agreements.has(op.agreement) ? { agreement: agreements.get(op.agreement)! } : {}),
          partners,
          tag: op.tag,
          counts,
          outcomes: (await store.listOperationOutcomes(op.id)).map((outcome) => ({
            kind: outcome.kind,
            country: outcome.country,
            at: iso(outcome.at),
            count: outcome.count,
            ...(outcome.amount === undefined ? {} : { amount: outcome.amount }),
            ...(outcome.currency === undefined ? {} : { currency: outcome.currency }),
            ...(outcome.note === undefined ? {} : { note: outcome.note }),
          })),
        });
      }
      await request.tix.audit({ action: 'read:operations', target: pathOf(request), detail: {}, count: items.length });
      return { items };
    },
  );

  route(
    app,
    book,
    {
      method: 'GET',
      path: '/operations/{name}/packages/{country}',
      operationId: 'operationPackage',
      tag: 'operations',
      summary: 'Download a country\'s package',
      description:
        'The package of one of the operation\'s countries (summary, CSV lists, STIX 2.1 bundle, HTML report, signed manifest: as `tix op package` writes it) built now for the caller\'s organisation, with only what that organisation is cleared for, as a tar archive. Check it with `tix verify` after unpacking.',
      access: 'members of organisations taking part in the operation',
      params: z.object({ name: z.string().min(1).max(64), country: z.string().regex(/^[A-Za-z]{2}$/).describe('ISO 3166-1 alpha-2') }),
      responses: {
        200: { description: 'the package as a tar archive', mediaType: 'application/x-tar' },
        404: { description: 'no such operation the caller takes part in, or not one of its countries', schema: ProblemSchema },
      },
    },
    async ({ params }, request, reply) => {
      const caller = requireMember(request);
      const op = (await visible(request)).find((candidate) => candidate.name === params.name);
      const country = params.country.toUpperCase();
      if (!op) throw new HttpProblem(404, 'Not Found', `no operation ${params.name} that your organisation takes part in`, 'TIX_NOT_FOUND');
      if (!op.countries.includes(country)) throw new HttpProblem(404, 'Not Found', `${country} is not one of operation ${op.name}'s countries (${op.countries.join(', ')})`, 'TIX_NOT_FOUND');
      const org = await store.findOrganisation(caller.org);
      const producer = (await store.findOrganisation(OPERATOR_ORG))?.name ?? 'tix';
      const out = await mkdtemp(join(tmpdir(), 'tix-package-'));
      try {
        const [built] = await buildPackages(store, { operation: op.name, country, recipient: org!.name, outDir: out, dataDir: app.tixOptions.dataDir, now: request.tix.now, producer });
        await request.tix.audit({ action: 'read:package', target: pathOf(request), detail: { operation: op.name, country }, count: built!.items });
        const name = basename(built!.dir);
        async function* archive(): AsyncGenerator<Buffer> {
          try {
            yield* tarDirectory(built!.dir, name);
          } finally {
            await rm(out, { recursive: true, force: true });
          }
        }
        reply.header('content-type', 'application/x-tar');
        reply.header('content-disposition', `attachment; filename="${name}.tar"`);
        return reply.send(Readable.from(archive()));
      } catch (error) {
        await rm(out, { recursive: true, force: true });
        throw error;
      }
    },
  );
}
