import { openOutput } from '../../io/output-file.ts';
import type { Command } from 'commander';
import { ConfigError } from '../../errors.ts';
import { buildFromStore, loadSnapshot } from '../../ops/scan/intel.ts';
import { encodeSnapshot } from '../../scan/index/snapshot.ts';
import type { CliContext } from '../context.ts';
import { addSelectionOptions, selectionQuery, type SelectionFlags } from '../selection.ts';
import { TIX_VERSION } from './scan.ts';

interface SnapshotFlags extends SelectionFlags {
  output?: string;
}

export function registerSnapshot(program: Command, ctx: CliContext): void {
  const snapshot = program.command('snapshot').description('portable intel snapshots for scanning where there is no store and no network');
  addSelectionOptions(
    snapshot
      .command('export')
      .description('write the matching index of the selected indicators, with what a scan report needs, to one file with a content hash')
      .option('-o, --output <file>', 'the snapshot file (replaced only when complete)'),
  )
    .action(async (flags: SnapshotFlags) => {
      if (!flags.output) throw new ConfigError('snapshot export writes a file: name it with -o FILE');
      const now = ctx.now();
      const { query, given: filters } = selectionQuery(flags, now);
      const { built, warninglists } = await ctx.withStore(async (store) => ({
        built: await buildFromStore(store, query, { createdAt: new Date(now).toISOString(), tool: `tix ${TIX_VERSION}`, filters }),
        warninglists: await store.listWarninglists(),
      }));
      const { chunks, id } = encodeSnapshot(built.parts, built.snapshot, warninglists);
      const file = openOutput(flags.output);
      let bytes = 0;
      try {
        for (const chunk of chunks) {
          file.write(chunk);
          bytes += chunk.byteLength;
        }
        file.commit();
      } catch (error) {
        file.abort();
        throw error;
      }
      const skipped = Object.entries(built.parts.info.skipped).map(([reason, n]) => `${n} ${reason}`).join('; ');
      ctx.err.write(`wrote ${flags.output}: ${built.snapshot.indicators} indicators, ${warninglists.length} warninglists, ${bytes} bytes, id ${id}${skipped ? ` (left out: ${skipped})` : ''}\n`);
    });
  snapshot
    .command('verify')
    .description('check a snapshot file against its content hash and print what it holds')
    .argument('<file>', 'the snapshot')
    .action((file: string) => {
      const started = Date.now();
      const intel = loadSnapshot(file);
      const counts = Object.entries(intel.index.parts.info.counts).map(([type, n]) => `${type} ${n}`).join(', ');
      ctx.out.write(`${file}: intact, id ${intel.facts.id}\n  written ${intel.snapshot.createdAt} by ${intel.snapshot.tool}\n  ${intel.snapshot.indicators} indicators: ${counts}\n  filters: ${JSON.stringify(intel.snapshot.filters)}\n  warninglists: ${intel.warninglists.map((list) => list.id).join(', ') || 'none'}\n  loaded and verified in ${Date.now() - started} ms\n`);
    });
}
