import { Command, CommanderError } from 'commander';
import { ConfigError, TixError } from '../errors.ts';
import { isDatabaseUrl } from '../store/open.ts';
import { registerAccess } from './commands/access.ts';
import { registerCase } from './commands/case.ts';
import { registerDemo } from './commands/demo.ts';
import { registerContacts } from './commands/contacts.ts';
import { registerEnrich } from './commands/enrich.ts';
import { registerExport } from './commands/export.ts';
import { registerFeeds } from './commands/feeds.ts';
import { registerFormats } from './commands/formats.ts';
import { registerImports } from './commands/imports.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerReport } from './commands/report.ts';
import { registerNotify } from './commands/notify.ts';
import { registerMail } from './commands/mail.ts';
import { registerOp } from './commands/op.ts';
import { registerRevoke } from './commands/revoke.ts';
import { registerRfi } from './commands/rfi.ts';
import { registerScan } from './commands/scan.ts';
import { registerSnapshot } from './commands/snapshot.ts';
import { registerWarninglists } from './commands/warninglists.ts';
import { registerSearch } from './commands/search.ts';
import { registerServe } from './commands/serve.ts';
import { registerShow } from './commands/show.ts';
import { registerStats } from './commands/stats.ts';
import { registerSync } from './commands/sync.ts';
import { registerVerify } from './commands/verify.ts';
import { createContext, EXIT } from './context.ts';

export function buildProgram(): Command {
  const program = new Command('tix');
  const ctx = createContext(() => program.opts<{ data?: string; db?: string }>());
  program
    .description('tix: a threat-intelligence exchange. Ingest IoC feeds, search them, share them.')
    .version('0.1.0')
    .option('-d, --data <dir>', 'data directory: the embedded store and local files (default: $TIX_DATA, else ./tix-data)')
    .option('--db <url>', 'a PostgreSQL store instead of the embedded one: postgres://user:password@host:port/database (default: $TIX_DB)', (url: string) => {
      if (!isDatabaseUrl(url)) throw new ConfigError(`--db: a postgres:// URL (got "${url.slice(0, 40)}")`);
      return url;
    })
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of [registerIngest, registerSearch, registerShow, registerStats, registerRevoke, registerExport, registerFeeds, registerImports, registerFormats, registerAccess, registerReport, registerCase, registerRfi, registerMail, registerScan, registerSnapshot, registerWarninglists, registerEnrich, registerContacts, registerOp, registerVerify, registerNotify, registerSync, registerServe, registerDemo]) {
    register(program, ctx);
  }
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  // output piped into head or less that closes early is not an error
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version are not errors
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.error;
      return;
    }
    if (error instanceof TixError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exitCode = EXIT.error;
      return;
    }
    process.stderr.write(`internal error: ${(error as Error).message}\n`);
    if (process.env.TIX_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    else process.stderr.write('(set TIX_DEBUG=1 for details, and please report it)\n');
    process.exitCode = EXIT.error;
  }
}
