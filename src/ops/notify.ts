import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { InputError, TixError } from '../errors.ts';
import type { Issue } from '../model/index.ts';
import type { Store } from '../store/store.ts';
import { loadTables } from './enrich-data.ts';
import { eventKey, groupVictims, type Grouping } from './notify/group.ts';
import { buildEml, DEFAULT_TEMPLATE, groupCsv, messageValues, render, type Template } from './notify/message.ts';
import { readVictims, type Victims } from './notify/victims.ts';

export interface NotifyOptions {
  files: string[];
  outDir: string;
  dataDir: string;
  now: number;
  from: string;
  sender?: string;
  template?: Template;
  /** `smtp://host:port`: send each message there and record it. Absent: drafts only. */
  smtp?: string;
}

export interface NotifyResult {
  victims: number;
  issues: Issue[];
  grouping: Grouping;
  /** Per recipient: victims in the message (events not notified before), and whether it was sent. */
  messages: Array<{ recipient: string; victims: number; skipped: number; file: string; sent: boolean }>;
  unassigned: number;
  groupMs: number;
}

const safe = (text: string): string => text.replace(/[^a-zA-Z0-9@._-]+/g, '_');

export function readVictimFiles(files: readonly string[]): { victims: Victims; issues: Issue[] } {
  return readVictims(
    files.map((file) => {
      try {
        return { name: file, lines: readFileSync(file, 'utf8').split('\n') };
      } catch (error) {
        throw new InputError('TIX_INPUT_UNREADABLE', `cannot read ${file}: ${(error as Error).message}`, { file }, { cause: error });
      }
    }),
  );
}

/**
 * `tix notify`: groups victims per network owner and country, writes a CSV
 * and an RFC 5322 draft per recipient (and per-country totals), leaves out
 * events a recipient was already told of, and with `smtp` sends each draft
 * and records it, message by message, so a failure half-way re-sends
 * nothing that went out.
 */
export async function notifyVictims(store: Store, options: NotifyOptions): Promise<NotifyResult> {
  const { victims, issues } = readVictimFiles(options.files);
  const started = performance.now();
  const { tables } = loadTables({ cacheDir: join(options.dataDir, 'enrich') });
  const grouping = groupVictims(victims, tables, await store.listContacts());
  const groupMs = performance.now() - started;
  mkdirSync(options.outDir, { recursive: true });
  const template = options.template ?? DEFAULT_TEMPLATE;
  const transport = options.smtp ? nodemailer.createTransport(options.smtp) : undefined;
  const messages: NotifyResult['messages'] = [];
  let unassigned = 0;
  const countries = ['country,victims,asns'];
  for (const [country, totals] of [...grouping.byCountry].sort()) countries.push(`${country},${totals.victims},${totals.asns.size}`);
  writeFileSync(join(options.outDir, 'countries.csv'), `${countries.join('\r\n')}\r\n`);
  try {
    for (const group of [...grouping.groups.values()].sort((a, b) => (a.recipient < b.recipient ? -1 : 1))) {
      const base = safe(group.recipient);
      if (!group.contact) {
        unassigned += group.victims.length;
        writeFileSync(join(options.outDir, `${base}.csv`), groupCsv(victims, grouping, group.victims));
        continue;
      }
      const keys = group.victims.map((i) => eventKey(victims, i));
      const told = await store.notifiedEvents(group.recipient, keys);
      // an event repeated in the lists (the same IP, family and day) is one line of one message
      const fresh: number[] = [];
      const freshKeys: string[] = [];
      const seen = new Set<string>();
      group.victims.forEach((i, n) => {
        const key = keys[n]!;
        if (told.has(key) || seen.has(key)) return;
        seen.add(key);
        fresh.push(i);
        freshKeys.push(key);
      });
      if (!fresh.length) {
        messages.push({ recipient: group.recipient, victims: 0, skipped: group.victims.length, file: '', sent: false });
        continue;
      }
      const csvName = `${base}.csv`;
      const csv = groupCsv(victims, grouping, fresh);
      const values = messageValues(group, victims, fresh, options.sender ?? options.from, csvName);
      const messageId = `<${createHash('sha256').update(`${group.recipient}|${options.now}|${freshKeys[0]}`).digest('hex').slice(0, 32)}@tix>`;
      const eml = await buildEml({
        from: options.from,
        to: group.recipient,
        subject: render(template.subject, values),
        text: render(template.body, values),
        date: options.now,
        messageId,
        attachment: { filename: csvName, content: csv },
      });
      writeFileSync(join(options.outDir, csvName), csv);
      writeFileSync(join(options.outDir, `${base}.eml`), eml);
      let sent = false;
      if (transport) {
        try {
          await transport.sendMail({ envelope: { from: options.from, to: [group.recipient] }, raw: eml });
        } catch (error) {
          throw new TixError('TIX_NOTIFY_SEND', `sending to ${group.recipient} failed: ${(error as Error).message}`, { cause: error });
        }
        await store.recordNotification({ recipient: group.recipient, subject: render(template.subject, values), sentAt: options.now, messageId, events: freshKeys });
        sent = true;
      }
      messages.push({ recipient: group.recipient, victims: fresh.length, skipped: group.victims.length - fresh.length, file: `${base}.eml`, sent });
    }
  } finally {
    transport?.close();
  }
  return { victims: victims.ips.length, issues, grouping, messages, unassigned, groupMs };
}
