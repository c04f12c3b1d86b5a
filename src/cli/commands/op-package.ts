import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../errors.ts';
import type { CliContext } from '../context.ts';

export function registerOpPackage(op: Command, ctx: CliContext): void {
  op.command('package')
    .description('per-country packages: summary, CSV lists, STIX 2.1 bundle, HTML report with map and charts, and a signed manifest; only what the recipient is cleared for')
    .argument('<name>', 'the operation')
    .option('--country <cc>', 'only this country')
    .option('--recipient <org>', 'the organisation the packages are for (default: each country\'s partner in the operation)')
    .option('--out <dir>', 'where to write the package directories', 'packages')
    .option('--expires <days>', 'days until the packages expire', '90')
    .option('--producer <name>', 'who produces the packages (named in the STIX bundle and report)', 'tix')
    .option('--pdf [chromium]', 'also print the report to PDF with headless Chromium (default /usr/bin/chromium)')
    .action(async (name: string, flags: { country?: string; recipient?: string; out: string; expires: string; producer: string; pdf?: string | boolean }) => {
      const expiresInDays = Number(flags.expires);
      if (!Number.isFinite(expiresInDays) || expiresInDays <= 0) throw new ConfigError(`--expires: a number of days > 0 (got "${flags.expires}")`);
      const started = performance.now();
      // the package writer (maps, PDF) is loaded by this command only
      const { buildPackages } = await import('../../ops/packages.ts');
      const built = await ctx.withStore((store) =>
        buildPackages(store, {
          operation: name,
          outDir: resolve(flags.out),
          dataDir: ctx.dataDir(),
          now: ctx.now(),
          expiresInDays,
          producer: flags.producer,
          ...(flags.country ? { country: flags.country } : {}),
          ...(flags.recipient ? { recipient: flags.recipient } : {}),
          ...(flags.pdf ? { pdfWith: typeof flags.pdf === 'string' ? flags.pdf : '/usr/bin/chromium' } : {}),
        }),
      );
      for (const p of built) ctx.out.write(`${p.country}\t${p.items} items (${p.newSinceLast} new)\tfor ${p.recipient ?? 'members (TLP:CLEAR/GREEN)'}\t${p.dir}\n`);
      ctx.out.write(`${built.length} packages in ${((performance.now() - started) / 1000).toFixed(2)} s\n`);
    });
}
