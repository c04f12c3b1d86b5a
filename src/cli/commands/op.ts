import type { Command } from 'commander';
import { ConfigError, NotFoundError } from '../../errors.ts';
import { checkOperation, checkOutcome, OUTCOME_KINDS, parseCountries, parseDate, type Operation, type OutcomeKind } from '../../ops/operation.ts';
import type { Store } from '../../store/store.ts';
import type { CliContext } from '../context.ts';
import { isoDate } from '../output.ts';
import { registerOpPackage } from './op-package.ts';

export async function operationNamed(store: Store, name: string): Promise<Operation> {
  const operation = await store.findOperation(name);
  if (!operation) throw new NotFoundError(`no operation named ${name} (tix op list shows them)`);
  return operation;
}

export function registerOp(program: Command, ctx: CliContext): void {
  const op = program.command('op').description('multi-country operations: countries, time window, agreement, partners, outcomes and per-country packages');

  op.command('create')
    .description('create an operation; its scope is what is located in its countries or tagged for it, seen within its window')
    .argument('<name>', 'a short name (letters, digits, dots, dashes)')
    .requiredOption('--countries <codes>', 'ISO 3166-1 alpha-2 codes, comma-separated (KE,NG,GH)')
    .requiredOption('--from <date>', 'start of the window (YYYY-MM-DD)')
    .requiredOption('--to <date>', 'end of the window (YYYY-MM-DD, inclusive)')
    .option('--agreement <name>', 'the sharing agreement the operation works under')
    .option('--partner <org...>', 'partner organisations taking part')
    .option('--tag <tag>', 'observations tagged with this (or TAG:CC) are in scope wherever they are located (default: the name)')
    .action(async (name: string, flags: { countries: string; from: string; to: string; agreement?: string; partner?: string[]; tag?: string }) => {
      const countries = parseCountries(flags.countries);
      const startsAt = parseDate(flags.from, '--from');
      const endsAt = parseDate(flags.to, '--to') + (/^\d{4}-\d{2}-\d{2}$/.test(flags.to) ? 86_400_000 - 1 : 0);
      const created = await ctx.withStore(async (store) => {
        const agreement = flags.agreement === undefined ? undefined : await store.findAgreement(flags.agreement);
        if (flags.agreement !== undefined && !agreement) throw new NotFoundError(`no agreement named ${flags.agreement}`);
        const partners: number[] = [];
        for (const name of flags.partner ?? []) {
          const org = await store.findOrganisation(name);
          if (!org) throw new NotFoundError(`no organisation named ${name}`);
          partners.push(org.id);
        }
        const operation = checkOperation({ name, countries, startsAt, endsAt, partners, tag: (flags.tag ?? name).toLowerCase(), ...(agreement ? { agreement: agreement.id } : {}) });
        return store.createOperation(operation, ctx.now());
      });
      ctx.out.write(`operation ${created.name}: ${created.countries.join(',')}, ${isoDate(created.startsAt)} to ${isoDate(created.endsAt)}, tag ${created.tag}\n`);
    });

  op.command('list')
    .description('every operation')
    .action(async () => {
      for (const operation of await ctx.withStore((store) => store.listOperations())) {
        ctx.out.write(`${operation.name}\t${operation.countries.join(',')}\t${isoDate(operation.startsAt)}\t${isoDate(operation.endsAt)}\tpartners ${operation.partners.length}\n`);
      }
    });

  op.command('outcome')
    .description(`record what came of an operation: ${OUTCOME_KINDS.join(', ')}`)
    .argument('<name>', 'the operation')
    .requiredOption('--kind <kind>', OUTCOME_KINDS.join(', '))
    .requiredOption('--country <cc>', 'one of the operation\'s countries')
    .requiredOption('--date <date>', 'when (YYYY-MM-DD)')
    .option('--count <n>', 'how many (servers, sites, notifications, arrests)', '1')
    .option('--amount <n>', 'estimated loss')
    .option('--currency <code>', 'currency of the amount', 'USD')
    .option('--note <text>', 'free text')
    .action(async (name: string, flags: { kind: string; country: string; date: string; count: string; amount?: string; currency: string; note?: string }) => {
      const count = Number(flags.count);
      const amount = flags.amount === undefined ? undefined : Number(flags.amount);
      if (amount !== undefined && !Number.isFinite(amount)) throw new ConfigError(`--amount: not a number (got "${flags.amount}")`);
      const at = parseDate(flags.date, '--date');
      const outcome = await ctx.withStore(async (store) => {
        const operation = await operationNamed(store, name);
        const checked = checkOutcome(operation, {
          kind: flags.kind as OutcomeKind,
          country: flags.country,
          at,
          count,
          ...(amount !== undefined ? { amount, currency: flags.currency.toUpperCase() } : {}),
          ...(flags.note ? { note: flags.note } : {}),
        });
        return store.addOperationOutcome(operation.id, checked, ctx.now());
      });
      ctx.out.write(`recorded ${outcome.kind} × ${outcome.count} in ${outcome.country} on ${isoDate(outcome.at).slice(0, 10)}\n`);
    });

  op.command('show')
    .description('an operation and its outcomes, totalled per country')
    .argument('<name>', 'the operation')
    .action(async (name: string) => {
      const [operation, outcomes] = await ctx.withStore(async (store) => {
        const found = await operationNamed(store, name);
        return [found, await store.listOperationOutcomes(found.id)] as const;
      });
      ctx.out.write(`${operation.name}: ${operation.countries.join(',')}, ${isoDate(operation.startsAt)} to ${isoDate(operation.endsAt)}, tag ${operation.tag}\n`);
      for (const outcome of outcomes) {
        ctx.out.write(
          `  ${isoDate(outcome.at).slice(0, 10)} ${outcome.country} ${outcome.kind} × ${outcome.count}${outcome.amount !== undefined ? ` ${outcome.amount} ${outcome.currency ?? ''}` : ''}${outcome.note ? ` (${outcome.note})` : ''}\n`,
        );
      }
    });

  registerOpPackage(op, ctx);
}
