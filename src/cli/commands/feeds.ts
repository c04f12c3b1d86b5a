import type { Command } from 'commander';
import { ConfigError, NotFoundError } from '../../errors.ts';
import { getFormat } from '../../formats/index.ts';
import { formatIssue } from '../../model/index.ts';
import { isDue, pullFeed } from '../../ops/feeds.ts';
import type { FeedDefinition } from '../../store/store.ts';
import { EXIT, type CliContext } from '../context.ts';
import { parseConfidenceOption, parseDuration, parseTlpOption } from '../options.ts';
import { isoDate, parseOutputFormat, RowWriter } from '../output.ts';
import { Progress } from '../progress.ts';

interface AddFlags {
  format?: string;
  every: string;
  delta?: boolean;
  expireAfter?: string;
  tlp?: string;
  confidence?: string;
}

export function registerFeeds(program: Command, ctx: CliContext): void {
  const feeds = program.command('feeds').description('feed sources pulled over HTTP(S) on a schedule');

  feeds
    .command('add')
    .description('add (or change) a feed')
    .argument('<name>', 'the feed\'s name; also the source name of what it brings')
    .argument('<url>', 'http(s) URL of the feed')
    .option('-f, --format <id>', 'its format (detected on each pull if not given)')
    .option('--every <interval>', 'how often it is due: 15m, 1h, 1d', '1h')
    .option('--delta', 'each pull brings only new entries; absence means nothing (default: each pull is the full list)')
    .option('--expire-after <age>', 'values gone from a full list expire this long after last seen (e.g. 30d)')
    .option('--tlp <level>', 'TLP of its data (default: the format\'s, else amber)')
    .option('--confidence <0-100>', 'confidence for values without one')
    .action(async (name: string, url: string, flags: AddFlags) => {
      if (!/^[a-z0-9][a-z0-9._-]{0,63}$/i.test(name)) throw new ConfigError(`feed name "${name}": use letters, digits, . _ - (at most 64)`);
      if (!/^https?:\/\/\S+$/i.test(url)) throw new ConfigError(`feed URL "${url}": only http:// and https:// are supported`);
      if (flags.format) getFormat(flags.format);
      const feed: FeedDefinition = {
        name,
        url,
        everyMs: parseDuration(flags.every, '--every'),
        mode: flags.delta ? 'delta' : 'full',
        ...(flags.format ? { format: flags.format } : {}),
        ...(flags.expireAfter ? { expireAfterMs: parseDuration(flags.expireAfter, '--expire-after') } : {}),
        ...(flags.tlp ? { tlp: parseTlpOption(flags.tlp) } : {}),
        ...(flags.confidence ? { confidence: parseConfidenceOption(flags.confidence) } : {}),
      };
      await ctx.withStore((store) => store.addFeed(feed, ctx.now()));
      ctx.out.write(`feed ${name} saved: ${url}, every ${flags.every}, ${feed.mode}\n`);
    });

  feeds
    .command('list')
    .description('the feeds, their schedule and the result of their last pull')
    .option('-o, --output <format>', 'table, jsonl or csv', 'table')
    .action(async (flags: { output: string }) => {
      const output = parseOutputFormat(flags.output);
      const list = await ctx.withStore((store) => store.listFeeds());
      const now = ctx.now();
      const writer = new RowWriter(ctx.out, output, ['name', 'format', 'mode', 'every', 'last_pull', 'status', 'due', 'url', 'error']);
      for (const feed of list) {
        writer.row(
          [feed.name, feed.format ?? 'auto', feed.mode, `${Math.round(feed.everyMs / 60000)}m`, isoDate(feed.lastPullAt), feed.lastStatus ?? 'never', isDue(feed, now) ? 'yes' : 'no', feed.url, feed.lastError],
          { ...feed, lastPullAt: isoDate(feed.lastPullAt), due: isDue(feed, now) },
        );
      }
      writer.end();
    });

  feeds
    .command('remove')
    .description('remove a feed (what it brought stays in the store)')
    .argument('<name>')
    .action(async (name: string) => {
      const removed = await ctx.withStore((store) => store.removeFeed(name));
      if (!removed) throw new NotFoundError(`no feed named ${name}`);
      ctx.out.write(`feed ${name} removed\n`);
    });

  feeds
    .command('pull')
    .description('pull one feed now, or every feed that is due')
    .argument('[name]', 'the feed to pull (default: all that are due)')
    .option('--force', 'without a name: pull every feed, due or not')
    .action(async (name: string | undefined, flags: { force?: boolean }) => {
      await ctx.withStore(async (store) => {
        const now = ctx.now();
        const all = name ? [await store.getFeed(name)] : await store.listFeeds();
        if (name && !all[0]) throw new NotFoundError(`no feed named ${name}`);
        const chosen = all.filter((feed) => feed && (name || flags.force || isDue(feed, now)));
        if (!chosen.length) ctx.out.write('no feed is due\n');
        for (const feed of chosen) {
          if (!feed) continue;
          const progress = new Progress(feed.name, undefined);
          let download: Progress | undefined;
          let shown = 0;
          const outcome = await pullFeed(store, feed, ctx.now(), {
            onIssue: (issue) => {
              if (shown++ >= 10) return;
              // a problem on a line of its own: the progress line is cleared first, and drawn again by the next update
              download?.done();
              progress.done();
              ctx.err.write(`${formatIssue(issue)}\n`);
            },
            onDownload: (received, size) => (download ??= new Progress(`${feed.name} (download)`, size)).received(received),
            onProgress: ({ bytes, lines }) => {
              download?.done();
              progress.update(bytes, lines);
            },
          });
          download?.done();
          progress.done();
          if (outcome.status === 'error') {
            ctx.err.write(`${feed.name}: ${outcome.error}\n`);
            ctx.setExitCode(EXIT.error);
          } else if (outcome.status === 'not-modified') {
            ctx.out.write(`${feed.name}: not modified since the last pull\n`);
          } else if (outcome.status === 'busy') {
            ctx.out.write(`${feed.name}: being pulled by another process of the store; left to it\n`);
          } else {
            const r = outcome.result;
            if (r.rejected || r.skipped) ctx.setExitCode(EXIT.partial);
            ctx.out.write(
              r.skipped
                ? `${feed.name}: ${r.skipped}\n`
                : `${feed.name} [${r.format}]: read ${r.read}, accepted ${r.accepted}, new ${r.new}, updated ${r.updated}, unchanged ${r.unchanged}, rejected ${r.rejected}, delisted ${r.delisted}\n`,
            );
          }
        }
      });
    });
}
