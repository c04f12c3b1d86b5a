import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { ingest } from '../../ingest/ingest.ts';
import { expandPaths } from '../../io/input.ts';
import type { CliContext } from '../context.ts';
import { RowWriter } from '../output.ts';
import { Progress } from '../progress.ts';

/** The real public feed samples shipped in the repository (see test/fixtures/NOTICE). */
export function sampleDirectory(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(directory, 'test', 'fixtures', 'feeds');
    if (existsSync(candidate)) return candidate;
    directory = dirname(directory);
  }
  throw new Error('sample feeds not found: run tix demo from a checkout of the tix repository');
}

export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('load the real feed samples shipped with tix into the data directory and show what is there')
    .action(async () => {
      const samples = sampleDirectory();
      const inputs = await expandPaths([samples]);
      const writer = new RowWriter(ctx.out, 'table', ['file', 'format', 'source', 'read', 'accepted', 'new', 'rejected']);
      let problems = 0;
      await ctx.withStore(async (store) => {
        ctx.out.write(`Loading ${inputs.length} real feed samples into ${store.location}\n\n`);
        for (const input of inputs) {
          const progress = new Progress(input.name, input.size);
          const result = await ingest(store, input, {
            now: ctx.now(),
            onIssue: () => problems++,
            onProgress: ({ bytes, lines }) => progress.update(bytes, lines),
          });
          progress.done();
          writer.row([relative(samples, input.name), result.format, result.source, result.read, result.accepted, result.new, result.rejected], undefined);
        }
        writer.end();
        const stats = await store.stats();
        ctx.out.write(`\nThe store holds ${stats.indicators} indicators from ${stats.bySource.length} sources (${stats.observations} observations).\n`);
        ctx.out.write(`${problems} lines were reported and skipped (see tix ingest for file:line reasons).\n\n`);
      });
      const data = ctx.dataDir();
      const prefix = data === './tix-data' ? 'npx tix' : `npx tix --data ${data}`;
      ctx.out.write(
        [
          'Try:',
          `  ${prefix} stats`,
          `  ${prefix} search 192.9.135.73            # a Feodo C2 server: every source that lists it`,
          `  ${prefix} search 5.63.151.0/24           # everything inside a network`,
          `  ${prefix} search marsalek.cy             # a domain and everything below it`,
          `  ${prefix} search --malware Pikabot       # by malware family`,
          `  ${prefix} search --threat phishing -n 5 -o jsonl`,
          `  ${prefix} show 'hxxp://45[.]133[.]74[.]103/x86'   # defanged input is fine`,
          '',
        ].join('\n'),
      );
    });
}
