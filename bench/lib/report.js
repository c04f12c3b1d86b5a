// Printing: labelled figures, a progress line on a terminal, percentiles, the summary table.

export const fmt = {
  int: (n) => (n === undefined || Number.isNaN(n) ? '-' : Math.round(n).toLocaleString('en')),
  s: (ms) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`),
  ms: (ms) => (ms === undefined ? '-' : ms < 1 ? `${ms.toFixed(3)} ms` : ms < 100 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(0)} ms`),
  mb: (kb) => (kb === undefined ? '-' : `${(kb / 1024).toFixed(0)} MB`),
  bytes: (b) => (b >= 1 << 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`),
  x: (ratio) => (ratio === undefined ? '-' : `${ratio.toFixed(1)}x`),
};

export function out(line = '') {
  progress.clear();
  process.stdout.write(`${line}\n`);
}

/** One status line on stderr, redrawn in place; nothing at all when stderr is not a terminal. */
export const progress = {
  enabled: process.stderr.isTTY === true,
  shown: false,
  last: 0,
  update(text, force = false) {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 200) return;
    this.last = now;
    const width = process.stderr.columns || 100;
    process.stderr.write(`\r\x1b[K${text.length >= width ? text.slice(0, width - 1) : text}`);
    this.shown = true;
  },
  clear() {
    if (this.shown) process.stderr.write('\r\x1b[K');
    this.shown = false;
  },
};

export function bar(fraction, width = 20) {
  const filled = Math.round(Math.min(Math.max(fraction, 0), 1) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%`;
}

/** Nearest-rank percentiles over latencies in ms. */
export function percentiles(samples) {
  const sorted = Float64Array.from(samples).sort();
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  const mean = sorted.reduce((s, v) => s + v, 0) / (sorted.length || 1);
  return { n: sorted.length, mean, p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: sorted[sorted.length - 1] };
}

/** A plain-text table: `rows` are arrays of cells; columns whose cells all look numeric are right-aligned. */
export function table(header, rows) {
  const all = [header, ...rows].map((row) => row.map((cell) => String(cell ?? '-')));
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  const numeric = (cell) => cell === '-' || cell === '' || /^[\d,.<>=~ -]+ ?(s|ms|MB|x|%|\/s|GiB|MiB)?$/.test(cell);
  const right = header.map((_, i) => i > 0 && rows.length > 0 && rows.every((row) => numeric(String(row[i] ?? '-'))));
  const line = (row) => row.map((cell, i) => (right[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}
