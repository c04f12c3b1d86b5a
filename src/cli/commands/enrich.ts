import type { Command } from 'commander';
import { formatIssue } from '../../model/index.ts';
import { enrichStore } from '../../ops/enrich.ts';
import { EXIT, type CliContext } from '../context.ts';

export function registerEnrich(program: Command, ctx: CliContext): void {
  program
    .command('enrich')
    .description('store country, AS and registrable domain with every value, from offline data (no network): the @ip-location-db npm packages, or newer MMDB/CSV files you downloaded')
    .option('--geo <file>', 'a country MMDB (ip-location-db geo-whois-asn-country, MaxMind GeoLite2-Country)')
    .option('--asn <file...>', 'ASN data: ip-location-db CSV files (start,end,asn,organisation; IPv4 and IPv6) or an ASN MMDB')
    .action(async (flags: { geo?: string; asn?: string[] }) => {
      const result = await ctx.withStore((store) =>
        enrichStore(store, { dataDir: ctx.dataDir(), now: ctx.now(), ...(flags.geo ? { geo: flags.geo } : {}), ...(flags.asn ? { asn: flags.asn } : {}) }),
      );
      for (const issue of result.issues.slice(0, 20)) ctx.err.write(`${formatIssue(issue)}\n`);
      if (result.issues.length > 20) ctx.err.write(`… and ${result.issues.length - 20} more rejected rows\n`);
      for (const { kind, source } of result.sources) {
        ctx.out.write(`${kind}: ${source.name}${source.builtAt === undefined ? '' : `, built ${new Date(source.builtAt).toISOString().slice(0, 10)}`}\n`);
      }
      ctx.out.write(
        `enriched ${result.scanned} values (${result.located} located, ${result.changed} changed) in ${((result.loadMs + result.applyMs) / 1000).toFixed(2)} s\n`,
      );
      if (result.issues.length) ctx.setExitCode(EXIT.partial);
    });
}
