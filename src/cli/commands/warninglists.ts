import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { compileWarninglists, parseWarninglist, type Warninglist } from '../../enrich/warninglists.ts';
import { InputError } from '../../errors.ts';
import { EXIT, type CliContext } from '../context.ts';

/** `DIR/<id>/list.json` (the misp-warninglists layout), or one list.json file. */
function readLists(path: string, problem: (message: string) => void): Warninglist[] {
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path, { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => join(path, entry.name, 'list.json'))
          .filter((file) => {
            try {
              return statSync(file).isFile();
            } catch {
              return false;
            }
          })
          .sort()
      : [path];
  } catch (error) {
    throw new InputError('TIX_INPUT_UNREADABLE', `${path}: ${(error as Error).message}`, { file: path });
  }
  const lists: Warninglist[] = [];
  for (const file of files) {
    try {
      lists.push(parseWarninglist(basename(dirname(file)), JSON.parse(readFileSync(file, 'utf8'))));
    } catch (error) {
      problem(`${file}: ${(error as Error).message}; skipped`);
    }
  }
  return lists;
}

export function registerWarninglists(program: Command, ctx: CliContext): void {
  const command = program.command('warninglists').description('MISP warninglists: values known to be benign (private ranges, public resolvers, top sites)');
  command
    .command('import')
    .description('import MISP warninglists: a directory of <name>/list.json (misp-warninglists/lists) or one list.json')
    .argument('<path>', 'the directory or file')
    .action(async (path: string) => {
      let problems = 0;
      const lists = readLists(path, (message) => {
        problems++;
        ctx.err.write(`${message}\n`);
      });
      await ctx.withStore((store) => store.putWarninglists(lists, ctx.now()));
      const entries = lists.reduce((sum, list) => sum + list.entries.length, 0);
      ctx.err.write(`imported ${lists.length} warninglist${lists.length === 1 ? '' : 's'} (${entries} entries)${problems ? `, ${problems} skipped` : ''}\n`);
      if (problems) ctx.setExitCode(lists.length ? EXIT.partial : EXIT.error);
    });
  command
    .command('check')
    .description('flag the values held (of one source, or all) that a warninglist calls benign: a warning, nothing is changed')
    .option('--source <name>', 'only values this source reported')
    .option('-n, --limit <n>', 'print at most this many', '100')
    .action(async (flags: { source?: string; limit: string }) => {
      const limit = Number(flags.limit);
      const now = ctx.now();
      const { flagged, checked } = await ctx.withStore(async (store) => {
        const lists = await store.listWarninglists();
        const check = compileWarninglists(lists);
        const flagged: Array<{ type: string; value: string; lists: string[]; sources: string[] }> = [];
        let checked = 0;
        let after: string | undefined;
        for (;;) {
          const page = await store.search({ now, limit: 5000, ...(flags.source ? { source: flags.source } : {}), ...(after ? { after } : {}) });
          for (const indicator of page.items) {
            checked++;
            const on = check(indicator.type, indicator.value);
            if (on.length) flagged.push({ type: indicator.type, value: indicator.value, lists: on, sources: indicator.sources });
          }
          if (!page.next) break;
          after = page.next;
        }
        return { flagged, checked };
      });
      for (const item of flagged.slice(0, Number.isFinite(limit) ? limit : 100)) {
        ctx.out.write(`${item.type}\t${item.value}\t${item.lists.join(',')}\t${item.sources.join(',')}\n`);
      }
      ctx.err.write(`${flagged.length} of ${checked} values are on warninglists${flagged.length > limit ? ` (first ${limit} shown)` : ''}\n`);
    });
  command
    .command('list')
    .description('the warninglists held')
    .action(async () => {
      const lists = await ctx.withStore((store) => store.listWarninglists());
      for (const list of lists) ctx.out.write(`${list.id}\t${list.type}\t${list.entries.length}\tv${list.version}\t${list.name}\n`);
    });
}
