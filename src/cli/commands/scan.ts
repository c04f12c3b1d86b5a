import { openOutput, type OutputWriter } from '../../io/output-file.ts';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import type { Command } from 'commander';
import { compileWarninglists } from '../../enrich/warninglists.ts';
import { ConfigError } from '../../errors.ts';
import { parseCount } from '../options.ts';
import { expandPaths, stdinInput, type Input } from '../../io/input.ts';
import { scanEvidence } from '../../ops/scan/evidence.ts';
import { scanTree } from '../../ops/scan/files.ts';
import { FileHasher } from '../../ops/scan/hash-threads.ts';
import { checkReportTarget } from '../../ops/scan/report-target.ts';
import { recordSightings } from '../../ops/scan/sightings.ts';
import { buildFromStore, intelFromParts, loadSnapshot, type LoadedIntel } from '../../ops/scan/intel.ts';
import { REPORT_FORMATS, jsonlFinding, jsonlTail, renderReport, type ReportFormat } from '../../scan/render.ts';
import { ReportBuilder, type ScanReport } from '../../scan/report.ts';
import { EXIT, type CliContext } from '../context.ts';
import { Progress } from '../progress.ts';

interface ScanFlags {
  format?: string;
  intel?: string;
  report: string;
  json?: boolean;
  output?: string;
  warninglists: boolean;
  threads?: string;
  maxLineBytes?: string;
  recordSightings?: boolean;
  org?: string;
  files?: boolean;
  threadMinBytes: string;
}

export const TIX_VERSION = (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;

function parseReportFormat(text: string): ReportFormat {
  const format = text === 'json' ? 'jsonl' : text;
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw new ConfigError(`--report: "${text}" is not one of ${REPORT_FORMATS.join(', ')}`);
  return format as ReportFormat;
}

/** The intel to match against: a snapshot file, or every active indicator of the store. */
export async function loadIntel(ctx: CliContext, snapshot: string | undefined): Promise<LoadedIntel> {
  if (snapshot) return loadSnapshot(snapshot);
  const now = ctx.now();
  const facts = { createdAt: new Date(now).toISOString(), tool: `tix ${TIX_VERSION}`, filters: {} };
  return ctx.withStore(async (store) => {
    const { parts, snapshot: built } = await buildFromStore(store, { now }, facts);
    return intelFromParts(parts, built, `store ${ctx.storeLocation()}`, await store.listWarninglists());
  });
}

/**
 * Where a report goes: -o (written beside itself, put in place only when
 * complete) or stdout, in chunks of about a megabyte, so a JSON-lines
 * report can be written while the scan runs.
 */
class ReportOutput {
  private readonly file: OutputWriter | undefined;
  private pending = '';

  constructor(
    private readonly ctx: CliContext,
    output: string | undefined,
  ) {
    this.file = output ? openOutput(output) : undefined;
  }

  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= 1 << 20) this.flush();
  }

  finish(): void {
    this.flush();
    this.file?.commit();
  }

  abort(): void {
    this.file?.abort();
  }

  private flush(): void {
    if (this.pending === '') return;
    if (this.file) this.file.write(this.pending);
    else this.ctx.out.write(this.pending);
    this.pending = '';
  }
}

export function registerScan(program: Command, ctx: CliContext): void {
  program
    .command('scan')
    .description('scan evidence (logs, directories, .gz, stdin) for the intel: which connections, lookups, downloads match known infrastructure')
    .argument('<paths...>', 'log files or directories (recursive); - for stdin')
    .option('-f, --format <id>', 'read every input as this log format instead of detecting it (zeek-tsv, zeek-json, suricata-eve, web-access, dns-log, csv, text)')
    .option('--intel <file>', 'match against this intel snapshot (tix snapshot export) instead of the store: no store, no network')
    .option('-r, --report <format>', `report format: ${REPORT_FORMATS.join(', ')}`, 'table')
    .option('--json', 'the report as JSON lines (same as --report jsonl)')
    .option('-o, --output <file>', 'write the report here instead of stdout')
    .option('--no-warninglists', 'report hits on warninglisted values as hits, not as known benign')
    .option('--files', 'the paths are file trees (a seized disk, a mounted image): hash every file (MD5, SHA-1, SHA-256) and match digests and file names')
    .option('--record-sightings', 'write each hit back to the store as a sighting of --org (count, first and last time seen)')
    .option('--org <name>', 'the organisation that scanned, for --record-sightings')
    .option('--threads <n>', 'scan threads for large inputs (default: one per core)')
    .option('--thread-min-bytes <n>', 'inputs at least this large (bytes on disk) are scanned on the threads, once such inputs add up to 16 times as much', String(16 * 2 ** 20))
    .option('--max-line-bytes <n>', 'longest line read; longer lines are reported and skipped', '1048576')
    .action(async (paths: string[], flags: ScanFlags) => {
      const format = flags.json ? 'jsonl' : parseReportFormat(flags.report);
      if (flags.recordSightings && !flags.org) throw new ConfigError('--record-sightings needs --org NAME: the organisation that scanned');
      const threads = flags.threads === undefined ? availableParallelism() : parseCount(flags.threads, '--threads', 0, 64);
      const maxLineBytes = parseCount(flags.maxLineBytes ?? '1048576', '--max-line-bytes', 0, 2 ** 31);
      if (flags.output) checkReportTarget(flags.output, paths);
      const startedAt = ctx.now();
      const intel = await loadIntel(ctx, flags.intel);
      if (intel.index.size === 0) ctx.err.write(`warning: the intel (${intel.facts.origin}) holds no indicators to match; nothing can hit\n`);
      const inputs: Input[] = [];
      const guard = flags.warninglists && intel.warninglists.length ? compileWarninglists(intel.warninglists) : undefined;
      // JSON lines are written as the findings come, every one of them; the other formats are laid out at the end
      const output = new ReportOutput(ctx, flags.output);
      const streamed = format === 'jsonl';
      const builder = new ReportBuilder(intel.index, guard, undefined, streamed ? (finding) => output.write(jsonlFinding(finding)) : undefined);
      let report: ScanReport;
      try {
        for (const path of flags.files ? [] : paths) {
          if (path === '-') inputs.push(stdinInput());
          else {
            try {
              inputs.push(...(await expandPaths([path])));
            } catch (error) {
              // the problem is listed under its file already: its message without the path in front
              const message = (error as Error).message;
              builder.problem({ file: path, code: 'TIX_INPUT_UNREADABLE', message: message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message });
            }
          }
        }
        let progress: Progress | undefined;
        let label = '';
        const show = (file: string, bytes: number, total: number | undefined, lines: number): void => {
          if (file !== label) {
            progress?.done();
            progress = new Progress(file, total);
            label = file;
          }
          progress!.update(bytes, lines);
        };
        if (flags.files) {
          const hasher = new FileHasher(threads);
          try {
            for (const path of paths) await scanTree(path, intel.index, builder, hasher, (file, bytes) => show(file, bytes, undefined, 0));
          } finally {
            await hasher.close();
          }
        } else await scanEvidence(inputs, intel.index, builder, {
          ...(flags.format ? { format: flags.format } : {}),
          maxLineBytes,
          threads: threads > 1 ? threads : 0,
          threadMinBytes: parseCount(flags.threadMinBytes, '--thread-min-bytes', 0),
          progress: show,
        });
        progress?.done();
        report = builder.build(intel.facts, TIX_VERSION, startedAt, ctx.now());
        output.write(streamed ? jsonlTail(report) : renderReport(report, format));
        output.finish();
      } catch (error) {
        output.abort();
        throw error;
      }
      if (flags.recordSightings) {
        const counts = await ctx.withStore((store) => recordSightings(store, report, flags.org!, ctx.now()));
        ctx.err.write(`recorded ${counts.recorded} sighting${counts.recorded === 1 ? '' : 's'} for ${flags.org}${counts.unknown ? ` (${counts.unknown} hit value${counts.unknown === 1 ? '' : 's'} not held by this store or not readable by ${flags.org})` : ''}\n`);
      }
      const hits = report.indicators.filter((s) => s.verdict !== 'known-benign').reduce((sum, s) => sum + s.count, 0);
      const benign = report.indicators.filter((s) => s.verdict === 'known-benign').reduce((sum, s) => sum + s.count, 0);
      ctx.err.write(`scanned ${report.files.length} file${report.files.length === 1 ? '' : 's'}: ${hits} hit${hits === 1 ? '' : 's'}, ${benign} known benign, ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}\n`);
      // hits win over problems: a damaged file must never hide what the others show
      ctx.setExitCode(hits > 0 ? EXIT.partial : report.problems.length > 0 ? EXIT.error : EXIT.ok);
    });
}
