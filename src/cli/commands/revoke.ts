import type { Command } from 'commander';
import { ConfigError } from '../../errors.ts';
import { normalise } from '../../normalise/index.ts';
import { EXIT, type CliContext } from '../context.ts';
import { parseTypeOption } from '../options.ts';

export function registerRevoke(program: Command, ctx: CliContext): void {
  program
    .command('revoke')
    .description('record that a source withdraws a value; it stays in the store, marked revoked, and leaves default searches')
    .argument('<value>', 'the indicator')
    .requiredOption('--source <name>', 'the source that withdraws it')
    .option('-t, --type <type>', 'its type, when the value alone is ambiguous')
    .option('--reason <text>', 'why (false positive, sinkholed, cleaned up, ...)')
    .action(async (value: string, flags: { source: string; type?: string; reason?: string }) => {
      const type = flags.type ? parseTypeOption(flags.type)[0] : undefined;
      const normalised = normalise(value, type);
      if (!normalised.ok) throw new ConfigError(`"${value.slice(0, 80)}" is not an indicator: ${normalised.reason}`);
      const done = await ctx.withStore((store) =>
        store.revoke({
          type: normalised.type,
          value: normalised.value,
          source: flags.source,
          at: ctx.now(),
          ...(flags.reason ? { reason: flags.reason } : {}),
        }),
      );
      if (!done) {
        ctx.err.write(`${normalised.value}: source ${flags.source} never reported it; nothing revoked\n`);
        ctx.setExitCode(EXIT.partial);
        return;
      }
      ctx.out.write(`revoked ${normalised.type} ${normalised.value} for source ${flags.source}\n`);
    });
}
