import type { OutgoingMail } from '../store/mail.ts';

/** How long to wait before attempt `attempts + 1`: a minute, then longer, up to six hours. */
export function retryDelay(attempts: number): number {
  const minutes = [1, 5, 15, 60, 180, 360];
  return minutes[Math.min(Math.max(attempts, 1), minutes.length) - 1]! * 60_000;
}

/** Attempts after which a notice is given up (about a day of trying). */
export const MAX_ATTEMPTS = 8;

/** A refusal the relay will repeat (SMTP 5xx: no such mailbox, relaying denied): retrying changes nothing. */
export function isPermanentRefusal(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** What to record of a failed attempt: try again later, or give up. */
export function afterFailure(mail: Pick<OutgoingMail, 'attempts'>, error: unknown, now: number): { retryAt: number; error: string } | { failedAt: number; error: string } {
  const message = (error as Error)?.message?.slice(0, 500) ?? String(error);
  if (isPermanentRefusal(error) || mail.attempts >= MAX_ATTEMPTS) return { failedAt: now, error: message };
  return { retryAt: now + retryDelay(mail.attempts), error: message };
}

/** The message handed to the relay: the link made absolute with the server's public address, when it has one. */
export function composeMail(mail: OutgoingMail, from: string, publicUrl: string | undefined): { from: string; to: string; subject: string; text: string; headers: Record<string, string> } {
  const link = mail.link ? (publicUrl ? `${publicUrl.replace(/\/+$/, '')}${mail.link}` : `your tix server, ${mail.link}`) : undefined;
  return {
    from,
    to: mail.to,
    subject: mail.subject,
    text: `${mail.body}${link ? `\n${link}\n` : ''}`,
    // marks the message as machine-sent, so out-of-office replies are not sent back to the relay's sender
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Tix-Notice': mail.kind },
  };
}
