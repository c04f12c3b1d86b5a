import type { Store } from '../store/store.ts';
import type { SyncState } from '../store/sync.ts';
import { runSync, type SyncOutcome, type SyncRunOptions } from './pull.ts';

/** A sync is due when it was never pulled, its last run stopped before the end, or its interval has passed since its last pull. */
export function isSyncDue(sync: SyncState, now: number): boolean {
  return sync.lastPullAt === undefined || sync.lastStatus === 'partial' || sync.lastPullAt + sync.everyMs <= now;
}

export interface SchedulerOptions extends Omit<SyncRunOptions, 'maxPages' | 'ifDue'> {
  /** How often the list of syncs is checked for due ones. */
  intervalMs?: number;
  onOutcome?: (outcome: SyncOutcome) => void;
  onError?: (message: string) => void;
}

/**
 * What `tix serve` runs beside the API: every interval, pulls each due sync
 * in turn. Every server process on a store runs one; the store's lock of
 * each sync (the one feed pulls take) lets one of them pull it at a time.
 */
export class SyncScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly options: SchedulerOptions,
  ) {}

  start(): this {
    const tick = (): void => {
      this.running = this.tick()
        .then(() => undefined)
        .catch((error: unknown) => this.options.onError?.(`sync: ${(error as Error).message}`))
        .finally(() => {
          this.running = undefined;
          if (this.timer) this.timer = setTimeout(tick, this.options.intervalMs ?? 30_000).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
    return this;
  }

  /** Pulls every due sync once. */
  async tick(): Promise<SyncOutcome[]> {
    const now = this.options.now();
    const outcomes: SyncOutcome[] = [];
    for (const sync of (await this.store.listSyncs()).filter((candidate) => isSyncDue(candidate, now))) {
      const outcome = await runSync(this.store, sync, { ...this.options, ifDue: (current) => isSyncDue(current, this.options.now()) });
      if (outcome.status !== 'busy') this.options.onOutcome?.(outcome);
      outcomes.push(outcome);
    }
    return outcomes;
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
