// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and
// per source file, and inclusive time of the functions that matter for ingest.
import { readFileSync } from 'node:fs';

export function summariseProfile(path, { top = 25 } = {}) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // time per sample: the gap to the next sample
  const self = new Map();
  const deltas = profile.timeDeltas;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
    total += dt;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const label = (node) => {
    const f = node.callFrame;
    const file = f.url ? f.url.replace(/^file:\/\//, '').replace(/^.*\/(dist|node_modules)\//, '$1/') : '';
    return { name: f.functionName || '(anonymous)', where: file ? `${file}:${f.lineNumber + 1}` : '', file: file || f.functionName };
  };
  const byFunction = new Map();
  const byFile = new Map();
  const inclusive = new Map();
  for (const [id, ms] of self) {
    const node = nodes.get(id);
    const { name, where, file } = label(node);
    const key = `${name} ${where}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
    byFile.set(file, (byFile.get(file) ?? 0) + ms);
    // inclusive: charge every distinct frame on the stack once
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const frame = label(nodes.get(at));
      const frameKey = `${frame.name} ${frame.where}`;
      if (seen.has(frameKey)) continue;
      seen.add(frameKey);
      inclusive.set(frameKey, (inclusive.get(frameKey) ?? 0) + ms);
    }
  }
  const sorted = (map) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return { totalMs: total, byFunction: sorted(byFunction), byFile: sorted(byFile), inclusive: sorted(inclusive) };
}

export function printProfile(summary, write = (line) => process.stdout.write(`${line}\n`)) {
  const pct = (ms) => `${((100 * ms) / summary.totalMs).toFixed(1).padStart(5)}%`;
  const row = ([key, ms]) => `  ${pct(ms)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${key}`;
  write(`profile: ${(summary.totalMs / 1000).toFixed(2)} s sampled`);
  write('self time by function:');
  summary.byFunction.forEach((entry) => write(row(entry)));
  write('self time by file:');
  summary.byFile.forEach((entry) => write(row(entry)));
  write('inclusive time (function and everything it calls):');
  summary.inclusive.forEach((entry) => write(row(entry)));
}
