// What the scan benchmark's intel lists, kept so that the generated traffic can
// stay clear of it: only the share of values drawn from the intel on purpose may
// hit, so the hit rate is the one asked for at any number of indicators (fresh
// values drawn at random would otherwise land in the listed networks and on the
// listed domains more often the more indicators there are).

/** Listed IPv4 addresses and networks, and listed names (a name hits on itself or any parent). */
export class Listed {
  constructor() {
    this.starts = [];
    this.ends = [];
    this.names = new Set();
  }

  addAddress(n) {
    this.starts.push(n);
    this.ends.push(n);
  }

  addNetwork(network, prefix) {
    this.starts.push(network);
    this.ends.push(network + 2 ** (32 - prefix) - 1);
  }

  addName(name) {
    this.names.add(name);
  }

  /** Sorts and merges the ranges; call once, before any `has…`. */
  seal() {
    const order = Uint32Array.from(this.starts.keys()).sort((a, b) => this.starts[a] - this.starts[b]);
    const starts = [];
    const ends = [];
    for (const i of order) {
      const start = this.starts[i];
      const end = this.ends[i];
      if (starts.length && start <= ends[ends.length - 1] + 1) ends[ends.length - 1] = Math.max(ends[ends.length - 1], end);
      else {
        starts.push(start);
        ends.push(end);
      }
    }
    this.starts = Float64Array.from(starts);
    this.ends = Float64Array.from(ends);
    return this;
  }

  /** The address (a 32-bit number) is listed or inside a listed network. */
  hasAddress(n) {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid] > n) hi = mid - 1;
      else if (this.ends[mid] < n) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** The name or one of its parents is listed. */
  hasName(name) {
    for (let at = -1; ; ) {
      if (this.names.has(name.slice(at + 1))) return true;
      at = name.indexOf('.', at + 1);
      if (at < 0) return false;
    }
  }

  /** Addresses covered by the merged ranges, for the benchmark's output. */
  addresses() {
    let total = 0;
    for (let i = 0; i < this.starts.length; i++) total += this.ends[i] - this.starts[i] + 1;
    return total;
  }
}
