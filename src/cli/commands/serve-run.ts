/** What `tix serve` runs, loaded only by that command: the server, mail and sync modules stay out of every other command's start. */
import cluster from 'node:cluster';
import { buildServer } from '../../api/server.ts';
import { ConfigError } from '../../errors.ts';
import { parseCount } from '../options.ts';
import { DEMO_PASSWORD_SUFFIX, hasDemo, seedDemo } from '../../ops/demo.ts';
import { openStore } from '../../store/open.ts';
import type { Store } from '../../store/store.ts';
import type { CliContext } from '../context.ts';
import { sampleDirectory } from './demo.ts';
import { parseMailAddress } from '../../mail/address.ts';
import { MailSender, type MailSettings } from '../../mail/sender.ts';
import { SyncScheduler } from '../../sync/scheduler.ts';
import { syncSecret } from './sync.ts';
import type { FastifyInstance } from 'fastify';

export interface ServeFlags {
  port: string;
  host: string;
  demo?: boolean;
  anonymousClear?: boolean;
  workers: string;
  rateLimit: string;
  scanMaxMib: string;
  smtp?: string;
  mailFrom?: string;
  publicUrl?: string;
}

/** What a worker process tells the primary once it listens. */
interface Listening {
  kind: 'tix-listening';
  address: string;
}

export async function runServe(flags: ServeFlags, ctx: CliContext): Promise<void> {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port: "${flags.port}" is not a TCP port`);
  const workers = parseCount(flags.workers, '--workers', 1, 64);
  const rateLimit = parseCount(flags.rateLimit, '--rate-limit', 1);
  const scanMib = parseCount(flags.scanMaxMib, '--scan-max-mib', 1, 4096);
  const scanBytes = scanMib * 2 ** 20;
  const mail = mailSettings(flags);
  if (cluster.isWorker) {
    // a worker of `--workers N`: the primary seeded the store already
    const store = await openStore(ctx.storeLocation());
    const sender = startMail(store, mail, ctx);
    const app = await buildServer({ store, dataDir: ctx.dataDir(), anonymousClear: flags.anonymousClear === true, rateLimit, scanBytes, ...mailHook(sender) });
    const syncs = startSyncs(store, app, ctx);
    process.once('SIGTERM', () => void syncs.stop().then(() => app.close()).then(() => store.close()).then(() => process.exit(0)));
    const address = await app.listen({ port, host: flags.host });
    process.send?.({ kind: 'tix-listening', address } satisfies Listening);
    warmOverview(store, ctx);
    return;
  }
  const store = await openStore(ctx.storeLocation());
  if (flags.demo && !(await hasDemo(store))) {
    ctx.out.write(`Seeding the demo into ${store.location} (organisations, users, an agreement, real feed samples)…\n`);
    await seedDemo(store, sampleDirectory(), ctx.now());
  }
  const announce = (address: string): void => {
    const url = address.replace('127.0.0.1', 'localhost');
    const lines = [
      `tix is serving ${store.location}${workers > 1 ? ` with ${workers} processes` : ''}`,
      `  Web UI   ${url}/`,
      `  API      ${url}/api/v1/indicators?q=192.9.135.73   (docs: ${url}/docs)`,
      `  TAXII    ${url}/taxii2/`,
      ...(mail ? [`  Mail     requests' notices from ${mail.from} through ${new URL(mail.smtp).host}`] : []),
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
  };
  if (workers > 1) {
    await store.close();
    serveWithWorkers(workers, announce);
    return;
  }
  const sender = startMail(store, mail, ctx);
  const app = await buildServer({ store, dataDir: ctx.dataDir(), anonymousClear: flags.anonymousClear === true, rateLimit, scanBytes, ...mailHook(sender) });
  const syncs = startSyncs(store, app, ctx);
  const close = async (): Promise<void> => {
    await syncs.stop();
    await sender?.stop();
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void close());
  process.once('SIGTERM', () => void close());
  announce(await app.listen({ port, host: flags.host }));
  warmOverview(store, ctx);
}

function mailSettings(flags: ServeFlags): Omit<MailSettings, 'onError'> | undefined {
  if (flags.smtp === undefined) {
    if (flags.mailFrom !== undefined) throw new ConfigError('--mail-from needs --smtp (the relay to send through)');
    return undefined;
  }
  if (!/^smtps?:\/\/[^/\s]+/.test(flags.smtp)) throw new ConfigError(`--smtp: an smtp:// or smtps:// URL (got "${flags.smtp.slice(0, 60)}")`);
  if (flags.mailFrom === undefined) throw new ConfigError('--smtp needs --mail-from (the From address of the e-mails)');
  const from = parseMailAddress(flags.mailFrom.replace(/^.*<([^>]+)>\s*$/, '$1'));
  if (!from.ok) throw new ConfigError(`--mail-from: ${from.reason}`);
  if (flags.publicUrl !== undefined && !/^https?:\/\/[^/\s]+/.test(flags.publicUrl)) throw new ConfigError(`--public-url: an http:// or https:// URL (got "${flags.publicUrl.slice(0, 60)}")`);
  return { smtp: flags.smtp, from: flags.mailFrom, ...(flags.publicUrl ? { publicUrl: flags.publicUrl } : {}) };
}

function startMail(store: Store, settings: Omit<MailSettings, 'onError'> | undefined, ctx: CliContext): MailSender | undefined {
  if (!settings) return undefined;
  return new MailSender(store, { ...settings, onError: (message) => ctx.err.write(`${message}\n`) }).start();
}

function mailHook(sender: MailSender | undefined): { mailQueued?: () => void } {
  return sender ? { mailQueued: () => void sender.drain().catch(() => undefined) } : {};
}

/** Pulls the syncs as they fall due (every process does: a sync's lease in the store lets one pull it at a time), through the server's import queue. */
function startSyncs(store: Store, app: FastifyInstance, ctx: CliContext): SyncScheduler {
  const intervalMs = Number(process.env.TIX_SYNC_CHECK_MS) || 30_000;
  // made now if there is none, so that a sync added while the server runs is sealed under the key it holds
  const secret = syncSecret(ctx, true);
  return new SyncScheduler(store, {
    now: ctx.now,
    ...(secret ? { secret } : {}),
    intervalMs,
    queueImport: (task) => app.queueImport(task),
    onOutcome: (outcome) => {
      if (outcome.error) ctx.err.write(`sync ${outcome.sync}: ${outcome.status}: ${outcome.error}\n`);
    },
    onError: (message) => ctx.err.write(`${message}\n`),
  }).start();
}

/** The overview's counts are built once, as the server starts, rather than on the first page view. */
function warmOverview(store: Store, ctx: CliContext): void {
  setImmediate(() => void store.overview().catch((error: unknown) => ctx.err.write(`overview counts: ${(error as Error).message}\n`)));
}

/**
 * The primary of `--workers N`: forks the workers (each runs this same
 * command, opens the store and listens on the shared port), announces the
 * address once the first listens, replaces a worker that dies, and stops
 * them all on SIGINT/SIGTERM. The store is SQLite in WAL mode: the workers
 * read side by side, and take turns to write.
 */
function serveWithWorkers(count: number, announce: (address: string) => void): void {
  let stopping = false;
  let announced = false;
  const fork = (): void => {
    const worker = cluster.fork();
    worker.on('message', (message: Listening) => {
      if (message?.kind === 'tix-listening' && !announced) {
        announced = true;
        announce(message.address);
      }
    });
  };
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    process.stderr.write(`a server process stopped (${signal ?? `exit code ${code}`}); starting another\n`);
    fork();
  });
  for (let i = 0; i < count; i++) fork();
  const stop = (): void => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    let left = Object.keys(cluster.workers ?? {}).length;
    if (left === 0) process.exit(0);
    cluster.on('exit', () => {
      if (--left === 0) process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
