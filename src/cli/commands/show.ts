import type { Command } from 'commander';
import { ConfigError } from '../../errors.ts';
import type { IndicatorDetail } from '../../model/index.ts';
import { normalise } from '../../normalise/index.ts';
import { describeEnrichment } from '../../ops/enrich.ts';
import { EXIT, type CliContext } from '../context.ts';
import { parseTypeOption } from '../options.ts';
import { isoDate, parseOutputFormat, RowWriter } from '../output.ts';

const COLUMNS = ['source', 'first_seen', 'last_seen', 'status', 'threat', 'malware', 'confidence', 'tlp', 'tags', 'reference', 'origin', 'raw'];

export function registerShow(program: Command, ctx: CliContext): void {
  program
    .command('show')
    .description('every source\'s view of one value: dates, threat, malware, confidence, TLP, reference and the raw line it came from')
    .argument('<value>', 'the indicator (defanged is fine)')
    .option('-t, --type <type>', 'its type, when the value alone is ambiguous (e.g. ja3 vs md5)')
    .option('-o, --output <format>', 'table, jsonl or csv', 'table')
    .action(async (value: string, flags: { type?: string; output: string }) => {
      const output = parseOutputFormat(flags.output);
      const type = flags.type ? parseTypeOption(flags.type)[0] : undefined;
      const normalised = normalise(value, type);
      if (!normalised.ok) throw new ConfigError(`"${value.slice(0, 80)}" is not an indicator: ${normalised.reason}`);
      const now = ctx.now();
      const [detail, enrichment, sources] = await ctx.withStore((store) =>
        Promise.all([store.get(normalised.type, normalised.value, now), store.enrichmentOf([normalised]), store.enrichmentSources()]),
      );
      if (!detail) {
        ctx.err.write(`${normalised.type} ${normalised.value}: not in the store\n`);
        ctx.setExitCode(EXIT.partial);
        return;
      }
      if (output === 'jsonl') {
        const located = enrichment[0] && {
          ...enrichment[0],
          enrichedFrom: sources.map(({ kind, source }) => ({ kind, name: source.name, builtAt: isoDate(source.builtAt) })),
        };
        ctx.out.write(`${JSON.stringify({ ...detailRecord(detail), ...located })}\n`);
        return;
      }
      if (output === 'table') {
        ctx.out.write(
          `${detail.type} ${detail.value}\n  status ${detail.status}, first seen ${isoDate(detail.firstSeen)}, last seen ${isoDate(detail.lastSeen)}, ` +
            `${detail.sources.length} source(s), TLP:${detail.tlp.toUpperCase()}\n`,
        );
        for (const line of enrichment[0] ? describeEnrichment(enrichment[0], sources) : []) ctx.out.write(`  ${line}\n`);
        ctx.out.write('\n');
      }
      const writer = new RowWriter(ctx.out, output, COLUMNS, 48);
      for (const view of detail.observations) {
        const status = view.revokedAt !== undefined ? 'revoked' : view.validUntil !== undefined && view.validUntil <= now ? 'expired' : view.listed ? 'listed' : 'delisted';
        writer.row(
          [
            view.source,
            isoDate(view.firstSeen),
            isoDate(view.lastSeen),
            status,
            view.threatType,
            view.malware,
            view.confidence,
            view.tlp,
            view.tags.join(' '),
            view.reference,
            view.origin ? `${view.origin.file}:${view.origin.line}` : '',
            view.raw,
          ],
          view,
        );
      }
      writer.end();
    });
}

function detailRecord(detail: IndicatorDetail): Record<string, unknown> {
  return {
    ...detail,
    firstSeen: isoDate(detail.firstSeen),
    lastSeen: isoDate(detail.lastSeen),
    addedAt: isoDate(detail.addedAt),
    observations: detail.observations.map((view) => ({
      ...view,
      firstSeen: isoDate(view.firstSeen),
      lastSeen: isoDate(view.lastSeen),
      addedAt: isoDate(view.addedAt),
      updatedAt: isoDate(view.updatedAt),
      ...(view.validUntil === undefined ? {} : { validUntil: isoDate(view.validUntil) }),
      ...(view.revokedAt === undefined ? {} : { revokedAt: isoDate(view.revokedAt) }),
    })),
  };
}
