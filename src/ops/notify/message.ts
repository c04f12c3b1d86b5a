import MailComposer from 'nodemailer/lib/mail-composer';
import { ConfigError } from '../../errors.ts';
import type { Grouping, NotificationGroup } from './group.ts';
import type { Victims } from './victims.ts';

/** A subject line and a body with `{{placeholders}}`. */
export interface Template {
  subject: string;
  body: string;
}

export const PLACEHOLDERS = ['recipient', 'name', 'count', 'asns', 'countries', 'families', 'from', 'to', 'sender', 'file'] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

export const DEFAULT_TEMPLATE: Template = {
  subject: '{{count}} infected hosts in your network ({{asns}})',
  body: `Dear {{name}},

Between {{from}} and {{to}}, {{count}} IP addresses in your network ({{asns}}; {{countries}})
connected to sinkholes or command-and-control servers of these malware families: {{families}}.

The attached file {{file}} lists each address with the time it was seen and the family.
Please notify the customers concerned so they can clean their systems.

This is a one-time notice per address, family and day; you will not receive it again.

Regards,
{{sender}}
`,
};

/** A template file: the first line `Subject: …`, a blank line, then the body. Unknown placeholders are refused. */
export function parseTemplate(text: string, file: string): Template {
  const match = /^Subject:[ \t]*(.*)\r?\n\r?\n([\s\S]*)$/.exec(text);
  if (!match) throw new ConfigError(`${file}: a template starts with a "Subject: …" line, then a blank line, then the body`);
  const template = { subject: match[1]!.trim(), body: match[2]! };
  for (const [, name] of `${template.subject}\n${template.body}`.matchAll(/\{\{\s*([\w-]+)\s*\}\}/g)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(name!)) throw new ConfigError(`${file}: unknown placeholder {{${name}}}; known: ${PLACEHOLDERS.join(', ')}`);
  }
  return template;
}

export function render(text: string, values: Record<Placeholder, string>): string {
  return text.replace(/\{\{\s*([\w-]+)\s*\}\}/g, (whole, name: string) => (name in values ? values[name as Placeholder] : whole));
}

const csvCell = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** The victims of one group as CSV: ip, timestamp, family, AS, country. */
export function groupCsv(victims: Victims, grouping: Grouping, indices: readonly number[]): string {
  const lines = ['ip,timestamp,family,asn,country'];
  for (const i of indices) {
    lines.push(
      [victims.ips[i]!, new Date(victims.times[i]!).toISOString(), victims.families[victims.family[i]!]!, grouping.asn[i] ? String(grouping.asn[i]) : '', grouping.country[i] ?? '']
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The placeholder values of one group's message. */
export function messageValues(group: NotificationGroup, victims: Victims, indices: readonly number[], sender: string, file: string): Record<Placeholder, string> {
  let from = Infinity;
  let to = -Infinity;
  const families = new Set<string>();
  for (const i of indices) {
    from = Math.min(from, victims.times[i]!);
    to = Math.max(to, victims.times[i]!);
    families.add(victims.families[victims.family[i]!]!);
  }
  const day = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : '');
  return {
    recipient: group.recipient,
    name: group.contact?.name ?? group.recipient,
    count: String(indices.length),
    asns: [...group.asns].sort((a, b) => a - b).map((asn) => `AS${asn}`).join(', ') || 'AS unknown',
    countries: [...group.countries].sort().join(', ') || 'country unknown',
    families: [...families].sort().join(', '),
    from: day(from),
    to: day(to),
    sender,
    file,
  };
}

/** An RFC 5322 message (MIME, the CSV attached), exactly as it would be sent. */
export async function buildEml(message: { from: string; to: string; subject: string; text: string; date: number; messageId: string; attachment: { filename: string; content: string } }): Promise<Buffer> {
  const composer = new MailComposer({
    from: message.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    date: new Date(message.date),
    messageId: message.messageId,
    attachments: [{ filename: message.attachment.filename, content: message.attachment.content, contentType: 'text/csv; charset=utf-8' }],
  });
  return composer.compile().build();
}
