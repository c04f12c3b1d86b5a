import nodemailer, { type Transporter } from 'nodemailer';
import type { MailStore } from '../store/mail.ts';
import { afterFailure, composeMail } from './delivery.ts';

export interface MailSettings {
  /** The relay: smtp://host:port or smtps://user:pass@host:port. */
  smtp: string;
  /** The From address of every notice. */
  from: string;
  /** The address users open tix at (https://tix.example.org), to put before a notice's link. */
  publicUrl?: string;
  /** How often the outbox is looked at. */
  intervalMs?: number;
  /** How long a claimed notice is this process's to send before another may claim it. */
  leaseMs?: number;
  now?: () => number;
  /** Told of each failed attempt (the server's log). */
  onError?: (message: string) => void;
}

/**
 * Drains the store's mail outbox through an SMTP relay, every few seconds, in
 * each server process: claims make sure a notice goes out once however many
 * processes share the store; a failure is retried later, a permanent refusal
 * is given up and kept with its reason (`tix mail list`).
 */
export class MailSender {
  private readonly transport: Transporter;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private again = false;
  private readonly now: () => number;

  constructor(
    private readonly store: MailStore,
    private readonly settings: MailSettings,
  ) {
    this.transport = nodemailer.createTransport(settings.smtp);
    this.now = settings.now ?? (() => Date.now());
  }

  start(): this {
    const tick = (): void => {
      void this.drain()
        .catch((error: unknown) => this.settings.onError?.(`mail outbox: ${(error as Error).message}`))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.settings.intervalMs ?? 5_000).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
    return this;
  }

  /** Sends what is due now; resolves to the number sent. One drain at a time per process; one asked for meanwhile runs once more after it, for what was queued since its last claim. */
  drain(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async (): Promise<number> => {
      let sent = 0;
      do {
        this.again = false;
        sent += await this.sendDue();
      } while (this.again);
      return sent;
    };
    this.running = run().finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
    this.transport.close();
  }

  private async sendDue(): Promise<number> {
    let sent = 0;
    for (;;) {
      const batch = await this.store.claimMail(this.now(), this.settings.leaseMs ?? 120_000, 20);
      if (batch.length === 0) return sent;
      for (const mail of batch) {
        try {
          await this.transport.sendMail(composeMail(mail, this.settings.from, this.settings.publicUrl));
          await this.store.settleMail(mail.id, { sent: this.now() });
          sent++;
        } catch (error) {
          const outcome = afterFailure(mail, error, this.now());
          await this.store.settleMail(mail.id, outcome);
          this.settings.onError?.(`mail to ${mail.user} (notice ${mail.id}): ${outcome.error}${'retryAt' in outcome ? '; will retry' : '; given up'}`);
        }
      }
    }
  }
}
