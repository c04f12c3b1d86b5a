import type { AuditEntry } from '../store/access.ts';

/**
 * Group commit for the audit log: entries of requests handled at the same
 * time are appended in one transaction, and each request goes on only once
 * its entry is written (nothing is answered before it is audited). Under
 * load, one turn of the store's write lock serves many requests instead of
 * one each, which matters most when several server processes share a store.
 */
export class AuditQueue {
  private pending: Array<{ entry: AuditEntry; done: () => void; failed: (error: unknown) => void }> = [];
  private flushing = false;

  constructor(private readonly write: (entries: readonly AuditEntry[]) => Promise<unknown>) {}

  append(entry: AuditEntry): Promise<void> {
    return new Promise<void>((done, failed) => {
      this.pending.push({ entry, done, failed });
      // entries queued while a batch is written go in the next one
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.write(batch.map((item) => item.entry));
        for (const item of batch) item.done();
      } catch (error) {
        for (const item of batch) item.failed(error);
      }
      // let requests that were waiting on the batch run (and queue their own entries) before the next one
      if (this.pending.length > 0) await new Promise((resolve) => setImmediate(resolve));
    }
    this.flushing = false;
  }
}
