import type { Command } from 'commander';
import { buildServer } from '../../api/server.ts';
import { ConfigError } from '../../errors.ts';
import { DEMO_PASSWORD_SUFFIX, hasDemo, seedDemo } from '../../ops/demo.ts';
import { openStore } from '../../store/open.ts';
import type { CliContext } from '../context.ts';
import { sampleDirectory } from './demo.ts';

interface ServeFlags {
  port: string;
  host: string;
  demo?: boolean;
  anonymousClear?: boolean;
}

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('serve the HTTP API and TAXII 2.1 on the embedded store')
    .option('-p, --port <n>', 'TCP port', '8750')
    .option('-H, --host <address>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .option('--demo', 'on first run, seed demo organisations, users, an agreement and the sample feeds')
    .option('--anonymous-clear', 'let unauthenticated callers read TLP:CLEAR')
    .action(async (flags: ServeFlags) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port: "${flags.port}" is not a TCP port`);
      const store = await openStore(ctx.dataDir());
      if (flags.demo && !(await hasDemo(store))) {
        ctx.out.write(`Seeding the demo into ${store.location} (organisations, users, an agreement, real feed samples)…\n`);
        await seedDemo(store, sampleDirectory(), ctx.now());
      }
      const app = await buildServer({ store, anonymousClear: flags.anonymousClear === true });
      const close = async (): Promise<void> => {
        await app.close();
        await store.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void close());
      process.once('SIGTERM', () => void close());
      const address = await app.listen({ port, host: flags.host });
      const url = address.replace('127.0.0.1', 'localhost');
      const lines = [
        `tix is serving ${store.location}`,
        `  Web UI   ${url}/`,
        `  API      ${url}/api/v1/indicators?q=192.9.135.73   (docs: ${url}/docs)`,
        `  TAXII    ${url}/taxii2/`,
      ];
      if (flags.demo) {
        lines.push(
          '',
          `Demo users (HTTP Basic; password = user name + "${DEMO_PASSWORD_SUFFIX}"):`,
          '  admin (operator) · vendor-analyst (Vendor Labs) · ip-analyst (International Police)',
          '  ng-investigator · gh-investigator (national police) · cert-ng (CERT) · isp-noc (ISP)',
          `  e.g. curl -u ip-analyst:ip-analyst${DEMO_PASSWORD_SUFFIX} '${url}/api/v1/indicators?q=192.9.135.73'`,
        );
      }
      ctx.out.write(`${lines.join('\n')}\n`);
      // the overview's aggregates are built once, now, rather than on the first page view
      setImmediate(() => void store.overview().catch((error: unknown) => ctx.err.write(`overview counts: ${(error as Error).message}\n`)));
    });
}
