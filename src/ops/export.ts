import type { ExportContext, ExportModule } from '../export/exporter.ts';
import { createExporter } from '../export/registry.ts';
import type { IndicatorQuery, Store } from '../store/store.ts';

export interface ExportCounts {
  /** Indicators written. */
  written: number;
  /** Indicators the filters selected but the format cannot express (e.g. hashes in a DNS zone). */
  skipped: number;
}

/** Indicators read from the store per page: large enough to amortise a query, small enough to stay in bounded memory. */
const PAGE = 5_000;
/** Text is handed on in pieces of about this many characters, not one write per indicator. */
const CHUNK = 1 << 16;

/**
 * Streams one export: pages through the store's indicators matching `query`
 * and yields the exporter's text in chunks, so neither the indicators nor the
 * output are ever held whole. `counts` is filled in as it goes.
 */
export async function* streamExport(
  store: Store,
  format: ExportModule,
  query: Omit<IndicatorQuery, 'limit' | 'after'>,
  ctx: ExportContext,
  counts: ExportCounts = { written: 0, skipped: 0 },
): AsyncGenerator<string> {
  const exporter = createExporter(format.id, ctx);
  const types = format.types ? new Set<string>(format.types) : undefined;
  let given = 0;
  let wrongType = 0;
  let empty = 0;
  let buffer = exporter.begin();
  let after: string | undefined;
  for (;;) {
    const page = await store.search({ ...query, limit: PAGE, ...(after ? { after } : {}) });
    for (const indicator of page.items) {
      if (types && !types.has(indicator.type)) {
        wrongType++;
        continue;
      }
      given++;
      const text = exporter.indicator(indicator);
      if (text === '') {
        empty++;
        continue;
      }
      buffer += text;
      if (buffer.length >= CHUNK) {
        yield buffer;
        buffer = '';
      }
    }
    if (!page.next) break;
    after = page.next;
  }
  buffer += exporter.end();
  // an exporter that writes some values later (nftables sets) counts its own skips
  counts.skipped = wrongType + (exporter.skipped ? exporter.skipped() : empty);
  counts.written = given + wrongType - counts.skipped;
  if (buffer) yield buffer;
}
