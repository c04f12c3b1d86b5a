import { Option, type Command } from 'commander';
import type { CliContext } from '../context.ts';
import type { ServeFlags } from './serve-run.ts';

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('serve the HTTP API, TAXII 2.1 and the web UI on the store (several servers may share one PostgreSQL store)')
    .option('-p, --port <n>', 'TCP port', '8750')
    .option('-H, --host <address>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .option('--demo', 'on first run, seed demo organisations, users, an agreement and the sample feeds')
    .option('--anonymous-clear', 'let unauthenticated callers read TLP:CLEAR')
    .option('--rate-limit <n>', 'requests a minute per API key, user or address (on PostgreSQL one budget across every server; on the embedded store each process counts its own)', '6000')
    .option('--scan-max-mib <n>', 'largest evidence file the web UI and POST /api/v1/scans scan, in MiB as sent', '64')
    .option('-w, --workers <n>', 'server processes sharing the port and the store (one per core serves the most reads)', '1')
    .addOption(new Option('--smtp <url>', 'e-mail users of requests for information through this relay (smtp://host:port, smtps://user:pass@host)').env('TIX_SMTP'))
    .addOption(new Option('--mail-from <address>', 'the From address of those e-mails (needed with --smtp)').env('TIX_MAIL_FROM'))
    .addOption(new Option('--public-url <url>', 'the address users open tix at, for the links in e-mails (https://tix.example.org)').env('TIX_PUBLIC_URL'))
    .action(async (flags: ServeFlags) => (await import('./serve-run.ts')).runServe(flags, ctx));
}
