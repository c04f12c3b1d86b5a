import { Option, type Command } from 'commander';
import { sealSecret } from '../../auth/sealed.ts';
import { ConfigError, NotFoundError } from '../../errors.ts';
import { formatIssue } from '../../model/index.ts';
import { secretKey } from '../../ops/secret-key.ts';
import { isDatabaseUrl } from '../../store/open.ts';
import type { SyncDefinition } from '../../store/sync.ts';
import { runSync, type SyncOutcome } from '../../sync/pull.ts';
import { isSyncDue } from '../../sync/scheduler.ts';
import { EXIT, type CliContext } from '../context.ts';
import { parseCount, parseDuration, parseTlpOption } from '../options.ts';
import { isoDate, parseOutputFormat, RowWriter } from '../output.ts';

interface AddFlags {
  collection: string;
  key: string;
  every: string;
  source?: string;
  tlp?: string;
  pushTo?: string;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/i;

function summary(outcome: SyncOutcome): string {
  const c = outcome.counts;
  const head = `${outcome.sync}: ${outcome.status}, ${c.pages} page${c.pages === 1 ? '' : 's'}, received ${c.received}, stored ${c.objects} new object versions (values new ${c.new}, updated ${c.updated}, unchanged ${c.unchanged}), skipped ${c.refused}, rejected ${c.rejected}, sightings pushed ${c.pushed}`;
  return `${head}${outcome.checkpoint ? `; checkpoint ${outcome.checkpoint}` : ''}`;
}

/** The secret key that seals sync keys (see ops/secret-key.ts); `create`: make the embedded store's key file if there is none. */
export function syncSecret(ctx: CliContext, create: boolean): Buffer | undefined {
  return secretKey(ctx.dataDir(), { embedded: !isDatabaseUrl(ctx.storeLocation()), create });
}

export function registerSync(program: Command, ctx: CliContext): void {
  const sync = program.command('sync').description('pull remote TAXII 2.1 collections (other tix instances) and push sightings back');

  sync
    .command('add')
    .description('add (or change) a sync; its checkpoint is kept when it is changed')
    .argument('<name>', "the sync's name")
    .argument('<url>', "the remote's TAXII 2.1 API root, e.g. https://peer.example/taxii2/api/")
    .requiredOption('-c, --collection <id>', 'the collection to pull from (its id)')
    .addOption(new Option('-k, --key <key>', 'the credential: a tix API key (sent as Bearer), or user:password (HTTP Basic); kept out of shell history with $TIX_SYNC_KEY').env('TIX_SYNC_KEY').makeOptionMandatory())
    .option('--every <interval>', 'how often tix serve pulls it: 15m, 1h, 1d', '15m')
    .option('--source <name>', 'the source its objects are stored under (default: the sync\'s name)')
    .option('--tlp <level>', 'TLP of objects that carry no marking (default amber)')
    .option('--push-to <id>', 'the collection sightings are pushed to (default: the one pulled from; a tix remote takes them in its inbox, 7c6f2a44-0d5e-4b7f-8a7e-3b9d2f1c0b02)')
    .action(async (name: string, url: string, flags: AddFlags) => {
      if (!NAME.test(name)) throw new ConfigError(`sync name "${name}": use letters, digits, . _ - (at most 64)`);
      if (!/^https?:\/\/\S+$/i.test(url)) throw new ConfigError(`sync URL "${url}": the remote's API root, an http:// or https:// URL`);
      if (flags.key.trim() === '') throw new ConfigError('--key: the credential is empty');
      const secret = syncSecret(ctx, true);
      if (!secret) {
        throw new ConfigError(
          "TIX_SECRET_KEY is not set: on PostgreSQL, a remote's key is stored sealed under a secret key that every tix process of the database is given alike (64 hex digits: openssl rand -hex 32)",
        );
      }
      const definition: SyncDefinition = {
        name,
        url,
        collection: flags.collection,
        key: sealSecret(secret, flags.key),
        everyMs: parseDuration(flags.every, '--every'),
        source: flags.source ?? name,
        ...(flags.tlp ? { tlp: parseTlpOption(flags.tlp) } : {}),
        ...(flags.pushTo ? { pushCollection: flags.pushTo } : {}),
      };
      await ctx.withStore((store) => store.addSync(definition, ctx.now()));
      ctx.out.write(`sync ${name} saved: ${url} collection ${flags.collection}, every ${flags.every}, source ${definition.source}\n`);
    });

  sync
    .command('list')
    .description('the syncs, their checkpoint and the result of their last run')
    .option('-o, --output <format>', 'table, jsonl or csv', 'table')
    .action(async (flags: { output: string }) => {
      const output = parseOutputFormat(flags.output);
      const list = await ctx.withStore((store) => store.listSyncs());
      const now = ctx.now();
      const writer = new RowWriter(ctx.out, output, ['name', 'source', 'every', 'last_pull', 'status', 'checkpoint', 'due', 'counts', 'url', 'error']);
      for (const item of list) {
        const { key: _key, ...shown } = item;
        const counts = item.lastCounts ? Object.entries(item.lastCounts).map(([name, count]) => `${name}=${count}`).join(' ') : '';
        writer.row(
          [item.name, item.source, `${Math.round(item.everyMs / 60000)}m`, isoDate(item.lastPullAt), item.lastStatus ?? 'never', item.checkpoint ?? '', isSyncDue(item, now) ? 'yes' : 'no', counts, `${item.url} ${item.collection}`, item.lastError],
          { ...shown, lastPullAt: isoDate(item.lastPullAt), due: isSyncDue(item, now) },
        );
      }
      writer.end();
    });

  sync
    .command('remove')
    .description('remove a sync (what it brought stays in the store)')
    .argument('<name>')
    .action(async (name: string) => {
      const removed = await ctx.withStore((store) => store.removeSync(name));
      if (!removed) throw new NotFoundError(`no sync named ${name}`);
      ctx.out.write(`sync ${name} removed\n`);
    });

  sync
    .command('run')
    .description('pull one sync now, or every sync')
    .argument('[name]', 'the sync to run (default: all)')
    .option('--max-pages <n>', 'stop after this many pages; the next run resumes from the checkpoint')
    .option('--page-size <n>', 'objects asked for per page', '1000')
    .option('--timeout <interval>', 'how long the remote has to answer each request', '30s')
    .action(async (name: string | undefined, flags: { maxPages?: string; pageSize: string; timeout: string }) => {
      const maxPages = flags.maxPages === undefined ? undefined : parseCount(flags.maxPages, '--max-pages', 1);
      const pageSize = parseCount(flags.pageSize, '--page-size', 1);
      const timeoutMs = parseDuration(flags.timeout, '--timeout');
      await ctx.withStore(async (store) => {
        const all = name ? [await store.getSync(name)] : await store.listSyncs();
        if (name && !all[0]) throw new NotFoundError(`no sync named ${name}`);
        if (!all.length) ctx.out.write('no sync is defined\n');
        const secret = syncSecret(ctx, false);
        for (const item of all) {
          if (!item) continue;
          let shown = 0;
          const outcome = await runSync(store, item, {
            now: ctx.now,
            ...(secret ? { secret } : {}),
            timeoutMs,
            pageSize,
            ...(maxPages === undefined ? {} : { maxPages }),
            onIssue: (issue) => {
              if (shown++ < 10) ctx.err.write(`${formatIssue(issue)}\n`);
            },
          });
          ctx.out.write(`${summary(outcome)}\n`);
          if (outcome.error) ctx.err.write(`${outcome.sync}: ${outcome.error}\n`);
          if (outcome.status === 'error' || outcome.status === 'busy') ctx.setExitCode(EXIT.error);
          else if (outcome.status === 'partial' || outcome.counts.refused || outcome.counts.rejected) ctx.setExitCode(EXIT.partial);
        }
      });
    });
}
