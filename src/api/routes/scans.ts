import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { compileWarninglists } from '../../enrich/warninglists.ts';
import { fileInput } from '../../io/input.ts';
import { scanOne } from '../../ops/scan/evidence.ts';
import { buildFromStore, intelFromParts, type LoadedIntel } from '../../ops/scan/intel.ts';
import { recordSightings } from '../../ops/scan/sightings.ts';
import { ReportBuilder } from '../../scan/report.ts';
import { requireMember } from '../app.ts';
import { operation, pathOf, type OperationBook } from '../operation.ts';
import { HttpProblem } from '../problem.ts';
import { IsoDateSchema, ProblemSchema } from '../schemas.ts';
import { WRITERS } from './indicator-writes.ts';

const TIX_VERSION = (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;

/** The largest evidence file one request scans (bytes as sent: a .gz counts compressed). */
export const DEFAULT_SCAN_BYTES = 64 * 2 ** 20;
/** Findings listed one by one in a response; beyond them they are counted (`findingsDropped`) and summarised. */
const MAX_FINDINGS = 100_000;
/** The media types whose bodies are evidence bytes. */
const EVIDENCE_TYPES = ['application/octet-stream', 'application/gzip'];

const ScanQuerySchema = z
  .object({
    name: z.string().min(1).max(1000).describe('the evidence file\'s name (its path inside a dropped folder), as the report names it'),
    scan: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).optional().describe('an id the client picks for the files of one scan (one request each): recorded with each file in the audit log'),
    recordSightings: z.enum(['true', 'false']).default('false').describe('write each hit back as a sighting of the caller\'s organisation (analyst, sync or admin)'),
    warninglists: z.enum(['true', 'false']).default('true').describe('report hits on warninglisted values as known benign'),
  })
  .strict();

const VerdictSchema = z.enum(['hit', 'weak-hit', 'known-benign']);

const FindingWireSchema = z.object({
  file: z.string(),
  line: z.number().int(),
  time: IsoDateSchema.optional(),
  field: z.string(),
  value: z.string(),
  indicator: z.string(),
  indicatorType: z.string(),
  verdict: VerdictSchema,
  via: z.string(),
  sources: z.array(z.string()),
  malware: z.array(z.string()),
  threatTypes: z.array(z.string()),
  confidence: z.number().optional(),
  tlp: z.string(),
  warninglists: z.array(z.string()).optional(),
});

const EvidenceFileWireSchema = z.object({
  path: z.string(),
  size: z.number().int().describe('bytes received'),
  sha256: z.string().describe('of the bytes received, as sent'),
  modifiedAt: IsoDateSchema.optional(),
  format: z.string(),
  compressed: z.boolean(),
  lines: z.number().int(),
  hits: z.number().int(),
  weakHits: z.number().int(),
  knownBenign: z.number().int(),
  problems: z.number().int(),
  incomplete: z.string().optional(),
});

export const ScanResultSchema = z.object({
  scan: z.string().optional().describe('the scan id the client gave'),
  report: z.object({
    tool: z.object({ name: z.literal('tix'), version: z.string() }),
    intel: z.object({ id: z.string(), createdAt: IsoDateSchema, indicators: z.number().int(), origin: z.string() }).describe('the intel matched: what the caller may read, when the request came'),
    startedAt: IsoDateSchema,
    finishedAt: IsoDateSchema,
    files: z.array(EvidenceFileWireSchema).describe('the chain of custody'),
    findings: z.array(FindingWireSchema),
    findingsDropped: z.number().int(),
    indicators: z.array(
      z.object({
        indicator: z.string(),
        indicatorType: z.string(),
        verdict: VerdictSchema,
        count: z.number().int(),
        firstTime: IsoDateSchema.optional(),
        lastTime: IsoDateSchema.optional(),
        files: z.array(z.string()),
        sources: z.array(z.string()),
        malware: z.array(z.string()),
      }),
    ),
    problems: z.array(z.object({ file: z.string(), line: z.number().int().optional(), code: z.string(), message: z.string() })),
  }),
  sightings: z.object({ recorded: z.number().int(), unknown: z.number().int() }).optional().describe('with recordSightings=true'),
});

/**
 * Reads an upload to a private temporary file, counting and hashing as it
 * goes; past `limit` bytes it stops and throws the 413. Nothing is held in
 * memory beyond the stream's buffers.
 */
async function receive(body: Readable, path: string, limit: number): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      // past the limit the rest is read and dropped, so the client hears the 413 rather than a reset connection
      if (size > limit) done();
      else {
        hash.update(chunk);
        done(null, chunk);
      }
    },
  });
  await pipeline(body, counter, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  if (size > limit) throw tooLarge(limit);
  return { size, sha256: hash.digest('hex') };
}

/** How long the intel of a scan is kept for its next file, and how many scans' intel at most. */
const SCAN_INTEL_TTL = 10 * 60_000;
const SCAN_INTEL_ENTRIES = 4;

/**
 * The intel of the scans under way: the files of one scan (the same `scan`
 * id, caller and clearance) are matched against the same intel, built when
 * the first of them came, so a scan has one intel id in its chain of
 * custody and the index is not rebuilt for every file. A changed clearance
 * is another key; an entry unused for SCAN_INTEL_TTL is dropped.
 */
class ScanIntel {
  private readonly entries = new Map<string, { intel: Promise<LoadedIntel>; used: number }>();

  get(key: string | undefined, now: number, build: () => Promise<LoadedIntel>): Promise<LoadedIntel> {
    for (const [name, entry] of this.entries) if (now - entry.used > SCAN_INTEL_TTL) this.entries.delete(name);
    if (key === undefined) return build();
    const known = this.entries.get(key);
    if (known) {
      known.used = now;
      return known.intel;
    }
    const intel = build();
    this.entries.set(key, { intel, used: now });
    intel.catch(() => this.entries.delete(key));
    while (this.entries.size > SCAN_INTEL_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    return intel;
  }
}

const tooLarge = (limit: number): HttpProblem =>
  new HttpProblem(413, 'Content Too Large', `an evidence file is scanned up to ${limit} bytes as sent (gzip it, split it, or scan it with tix scan)`, 'TIX_SCAN_TOO_LARGE');

/**
 * Evidence triage over HTTP: one evidence file per request, its bytes as the
 * body, scanned against the intel the caller may read. A scan of several
 * files is several requests that carry the same `scan` id; the client
 * combines their reports.
 */
export function scanRoutes(app: FastifyInstance, book: OperationBook): void {
  const { store, scanBytes } = app.tixOptions;
  const intelOf = new ScanIntel();
  void app.register(async (scope) => {
    // evidence bytes reach the handler unread, as a stream, which it reads within its own limit
    scope.addContentTypeParser(EVIDENCE_TYPES, (_request, payload, done) => done(null, payload));
    operation(
      scope,
      book,
      {
        method: 'POST',
        path: '/scans',
        operationId: 'scanEvidence',
        tag: 'scans',
        summary: 'Scan an evidence file against the intel',
        description: `The body is one evidence file (a log of any format \`tix scan\` reads; gzip is recognised by its bytes), sent as \`application/octet-stream\`, at most ${DEFAULT_SCAN_BYTES / 2 ** 20} MiB as sent unless the operator set another limit. It is received into a private temporary file, scanned, and deleted; it is never kept. The intel it is matched against is every active indicator and STIX pattern the caller may read, selected under the caller's clearance inside the store's query, so nothing else can hit. The answer is the scan report of that file: findings with their verdicts (\`hit\`, \`weak-hit\`, \`known-benign\`), a summary per indicator, the chain of custody (size and SHA-256 of the bytes received, the intel's content id and time, start and end) and problems (a binary file is reported there, not refused). A scan of several files is one request per file with the same \`scan\` id: its files are matched against the same intel, taken from the store when the first of them came (and kept for the next for ${SCAN_INTEL_TTL / 60_000} minutes), so the scan has one intel id. With recordSightings=true each file's hits are recorded as sightings naming that file. Every request is audited with the file's name, hash and hit count.`,
        access: `any member; with recordSightings=true, ${WRITERS.join(', ')}`,
        query: ScanQuerySchema,
        rawBody: { mediaType: 'application/octet-stream', description: 'the evidence file\'s bytes, as stored (gzip or not)' },
        responses: {
          200: { description: 'the scan report of the file', schema: ScanResultSchema },
          403: { description: 'recordSightings=true by a caller that may not write', schema: ProblemSchema },
          413: { description: 'the file is larger than the limit; nothing was scanned', schema: ProblemSchema },
          415: { description: 'the body is not sent as application/octet-stream', schema: ProblemSchema },
        },
      },
      async ({ query }, request) => {
        const record = query.recordSightings === 'true';
        const caller = requireMember(request, record ? WRITERS : undefined);
        const body = request.body;
        if (!(body instanceof Readable)) {
          throw new HttpProblem(415, 'Unsupported Media Type', `send the evidence file's bytes as the body, with content-type ${EVIDENCE_TYPES.join(' or ')}`);
        }
        const declared = Number(request.headers['content-length']);
        if (Number.isFinite(declared) && declared > scanBytes) {
          body.resume();
          throw tooLarge(scanBytes);
        }
        const directory = await mkdtemp(join(tmpdir(), 'tix-scan-'));
        try {
          const path = join(directory, 'evidence');
          const received = await receive(body, path, scanBytes);
          if (received.size === 0) throw new HttpProblem(400, 'Bad Request', 'the body is empty: send the evidence file\'s bytes', 'TIX_INPUT_EMPTY');
          const now = request.tix.now;
          const clearance = await request.tix.clearance();
          const key = query.scan === undefined ? undefined : JSON.stringify([query.scan, caller.org, caller.user ?? null, caller.key ?? null, clearance]);
          const intel = await intelOf.get(key, now, async () => {
            const built = await buildFromStore(store, { now, clearance }, { createdAt: new Date(now).toISOString(), tool: `tix ${TIX_VERSION}`, filters: {} });
            const org = await store.findOrganisation(caller.org);
            return intelFromParts(built.parts, built.snapshot, `the store, as ${org?.name ?? `organisation ${caller.org}`} may read it`, await store.listWarninglists());
          });
          const warninglists = query.warninglists === 'true' ? intel.warninglists : [];
          const report = new ReportBuilder(intel.index, warninglists.length ? compileWarninglists(warninglists) : undefined, MAX_FINDINGS);
          const started = request.server.tixOptions.now();
          await scanOne({ ...fileInput(path, received.size), name: query.name, path }, intel.index, report, { threads: 0, threadMinBytes: Number.MAX_SAFE_INTEGER });
          const result = report.build(intel.facts, TIX_VERSION, started, request.server.tixOptions.now());
          const file = result.files[0]!;
          // the bytes scanned are the bytes received, or the report says otherwise
          if (file.sha256 !== received.sha256) {
            file.problems++;
            result.problems.push({ file: query.name, code: 'TIX_INPUT_UNREADABLE', message: `the bytes scanned (SHA-256 ${file.sha256}) are not the bytes received (${received.sha256})` });
          }
          const sightings = record ? await recordSightings(store, result, caller.org, now, await request.tix.clearance()) : undefined;
          await request.tix.audit({
            action: 'read:scan',
            target: pathOf(request),
            detail: {
              ...(query.scan ? { scan: query.scan } : {}),
              file: query.name,
              sha256: file.sha256,
              size: file.size,
              format: file.format,
              hits: file.hits,
              weakHits: file.weakHits,
              knownBenign: file.knownBenign,
              problems: file.problems,
              intel: intel.facts.id,
              ...(sightings ? { sightings: sightings.recorded } : {}),
            },
            count: file.hits + file.weakHits,
          });
          return { ...(query.scan ? { scan: query.scan } : {}), report: result, ...(sightings ? { sightings } : {}) };
        } finally {
          await rm(directory, { recursive: true, force: true });
        }
      },
    );
  });
}
