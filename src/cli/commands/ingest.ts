import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { TixError } from '../../errors.ts';
import { ingest, type IngestResult } from '../../ingest/ingest.ts';
import { prestartParser } from '../../ingest/parse-thread.ts';
import { expandPaths } from '../../io/input.ts';
import { planMispFeed, type PlannedInput } from '../../ops/misp-feed.ts';
import { formatIssue, type Issue } from '../../model/index.ts';
import { urlInput } from '../../ops/fetch.ts';
import { EXIT, type CliContext } from '../context.ts';
import { parseConfidenceOption, parseDuration, parseMapOption, parseTlpOption } from '../options.ts';
import { Progress } from '../progress.ts';

const SHOWN_ISSUES = 20;

interface IngestFlags {
  source?: string;
  format?: string;
  tlp?: string;
  confidence?: string;
  map?: string;
  fullDump?: boolean;
  expireAfter?: string;
  validFor?: string;
  rejects?: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerIngest(program: Command, ctx: CliContext): void {
  program
    .command('ingest')
    .description('import indicators from files, directories, URLs or stdin (-); the format is detected unless --format is given')
    .argument('<inputs...>', 'files, directories (read recursively), http(s) URLs, or - for stdin')
    .option('-s, --source <name>', 'source name recorded with every value (default: the format\'s source, else the file name)')
    .option('-f, --format <id>', 'read the input as this format (see tix formats)')
    .option('--tlp <level>', 'TLP 2.0 marking for values without one: clear, green, amber, amber+strict, red')
    .option('--confidence <0-100>', 'confidence for values without one')
    .option('--map <field=column,...>', 'column mapping for the csv format, e.g. value=ioc,first_seen=date,separator=;')
    .option('--full-dump', 'the input is the source\'s complete list: its values missing here are delisted')
    .option('--expire-after <age>', 'with --full-dump: delisted values expire this long after last seen (e.g. 30d)')
    .option('--valid-for <age>', 'values without a validity of their own are valid this long after last seen (e.g. 90d)')
    .option('--rejects <file>', 'write every rejected line here (default: a file in the data directory)')
    .option('--json', 'print the summary as JSON')
    .option('-q, --quiet', 'print only problems')
    .action(async (inputs: string[], flags: IngestFlags) => {
      // the parser thread loads its modules while the store opens
      prestartParser();
      const options = {
        source: flags.source,
        format: flags.format,
        tlp: flags.tlp === undefined ? undefined : parseTlpOption(flags.tlp),
        confidence: flags.confidence === undefined ? undefined : parseConfidenceOption(flags.confidence),
        formatOptions: flags.map ? parseMapOption(flags.map) : undefined,
        validForMs: flags.validFor === undefined ? undefined : parseDuration(flags.validFor, '--valid-for'),
        fullDump: flags.fullDump
          ? { ...(flags.expireAfter ? { expireAfterMs: parseDuration(flags.expireAfter, '--expire-after') } : {}) }
          : undefined,
      };
      const rejects = new RejectLog(flags.rejects ?? join(ctx.dataDir(), 'rejects', `${stamp(ctx.now())}.txt`));
      const results: IngestResult[] = [];
      let shown = 0;
      /** The progress line being drawn, cleared before a problem is printed (the next update draws it again). */
      let current: Progress | undefined;
      const onIssue = (issue: Issue): void => {
        rejects.write(issue);
        if (shown <= SHOWN_ISSUES) current?.done();
        if (shown < SHOWN_ISSUES) ctx.err.write(`${formatIssue(issue)}\n`);
        else if (shown === SHOWN_ISSUES) ctx.err.write(`… more problems: see the rejects file\n`);
        shown++;
      };
      const resolved: PlannedInput[] = [];
      for (const name of inputs) {
        if (/^https?:\/\//i.test(name)) resolved.push({ input: await urlInput(name) });
        else resolved.push(...((await planMispFeed(name, onIssue)) ?? (await expandPaths([name])).map((input) => ({ input }))));
      }
      await ctx.withStore(async (store) => {
        // values on warninglists are imported with a warning
        const warninglists = await store.listWarninglists();
        for (const { input, format, source } of resolved) {
          const progress = (current = new Progress(input.name, input.size));
          try {
            const result = await ingest(store, input, {
              ...options,
              format: options.format ?? format,
              source: options.source ?? source,
              warninglists,
              now: ctx.now(),
              onIssue,
              onProgress: ({ bytes, lines }) => progress.update(bytes, lines),
            });
            progress.done();
            results.push(result);
            if (result.rejected > 0 || result.skipped) ctx.setExitCode(EXIT.partial);
            if (!flags.quiet && !flags.json) ctx.out.write(`${summaryLine(result)}\n`);
          } catch (error) {
            progress.done();
            if (!(error instanceof TixError)) throw error;
            ctx.err.write(`error: ${error.message}\n`);
            rejects.write({ code: error.code, file: input.name, line: 0, message: error.message, severity: 'error' });
            ctx.setExitCode(EXIT.error);
          }
        }
      });
      await rejects.close();
      if (flags.json) ctx.out.write(`${JSON.stringify({ results, rejectsFile: rejects.written ? rejects.path : undefined })}\n`);
      if (rejects.written && !flags.json) ctx.err.write(`${rejects.written} problem(s) written to ${rejects.path}\n`);
    });
}

function summaryLine(r: IngestResult): string {
  const head = `${r.input} [${r.format} → ${r.source}]`;
  if (r.skipped) return `${head}: ${r.skipped}`;
  return `${head}: read ${r.read} lines, accepted ${r.accepted}, new ${r.new}, updated ${r.updated}, unchanged ${r.unchanged}, rejected ${r.rejected}${r.delisted ? `, delisted ${r.delisted}` : ''}${r.objects ? `, STIX objects stored ${r.objects}` : ''}`;
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
}

/** Every rejected line, complete, in a file; created only when there is something to write. */
class RejectLog {
  written = 0;
  private stream: WriteStream | undefined;
  constructor(readonly path: string) {}

  write(issue: Issue): void {
    if (!this.stream) {
      mkdirSync(join(this.path, '..'), { recursive: true });
      this.stream = createWriteStream(this.path, { flags: 'a' });
    }
    this.stream.write(`${formatIssue(issue)}\n`);
    this.written++;
  }

  async close(): Promise<void> {
    const stream = this.stream;
    if (!stream) return;
    await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
}
