import type { CompiledNode, CompiledPattern } from './compile.ts';
import { PatternLimitError } from './errors.ts';
import type { TimedObservation } from './observation.ts';

/**
 * Matching over many observations (9.5): a binding is a set of distinct
 * observations that together satisfy a subtree. AND and FOLLOWEDBY join
 * disjoint bindings (FOLLOWEDBY: every left one no later than every right
 * one), REPEATS n joins n disjoint bindings, WITHIN keeps bindings whose
 * span is under the window, START/STOP those inside [start, stop).
 *
 * The time limits of WITHIN and START/STOP are pushed down to the
 * subtrees, because a binding that breaks them cannot become part of one
 * that keeps them; that keeps REPEATS … WITHIN tractable. Bindings with the
 * same observations are kept once.
 */
export interface SequenceOptions {
  /** Most candidate bindings one subtree may produce before PatternLimitError. */
  maxBindings?: number;
}

interface Binding {
  /** Indexes into the observations, ascending. */
  ids: number[];
  min: number;
  max: number;
}

interface Bounds {
  /** Bindings must span less than this many milliseconds. */
  span: number;
  start: number;
  stop: number;
}

const OPEN: Bounds = { span: Infinity, start: -Infinity, stop: Infinity };

/** Whether the observations, in any order, contain a match of the pattern. */
export function matchSequence(compiled: CompiledPattern, observations: readonly TimedObservation[], options: SequenceOptions = {}): boolean {
  return findSequenceMatch(compiled, observations, options) !== undefined;
}

/** The indexes (ascending) of one set of observations that matches the pattern, or undefined. */
export function findSequenceMatch(
  compiled: CompiledPattern,
  observations: readonly TimedObservation[],
  options: SequenceOptions = {},
): number[] | undefined {
  const run = new Run(observations, options.maxBindings ?? 100_000);
  return run.bindings(compiled.root, OPEN, true)[0]?.ids;
}

class Run {
  constructor(
    private readonly observations: readonly TimedObservation[],
    private readonly limit: number,
  ) {}

  /** `first`: the caller needs one binding, not all of them. */
  bindings(node: CompiledNode, bounds: Bounds, first: boolean): Binding[] {
    switch (node.kind) {
      case 'observation': {
        const out: Binding[] = [];
        for (let i = 0; i < this.observations.length && !(first && out.length > 0); i++) {
          const { time, values } = this.observations[i]!;
          if (time >= bounds.start && time < bounds.stop && node.matches(values)) out.push({ ids: [i], min: time, max: time });
        }
        return this.check(out);
      }
      case 'or': {
        const left = this.bindings(node.left, bounds, first);
        if (first && left.length > 0) return left;
        return unique([...left, ...this.bindings(node.right, bounds, first)]);
      }
      case 'and':
      case 'followedby': {
        const left = this.bindings(node.left, bounds, false);
        const right = left.length === 0 ? [] : this.bindings(node.right, bounds, false);
        const ordered = node.kind === 'followedby';
        const out = new Map<string, Binding>();
        for (const l of left) {
          for (const r of right) {
            if (ordered && l.max > r.min) continue;
            const joined = join(l, r, bounds);
            if (joined) {
              out.set(joined.ids.join(), joined);
              if (first) return [joined];
              this.check(out);
            }
          }
        }
        return [...out.values()];
      }
      case 'within':
        return this.bindings(node.operand, { ...bounds, span: Math.min(bounds.span, node.ms) }, first);
      case 'start-stop':
        return this.bindings(node.operand, { ...bounds, start: Math.max(bounds.start, node.start), stop: Math.min(bounds.stop, node.stop) }, first);
      case 'repeats':
        return this.repeats(this.bindings(node.operand, bounds, false), node.times, bounds, first);
    }
  }

  /** Every way to pick `times` disjoint bindings, earliest first so a too-wide span ends a branch. */
  private repeats(candidates: Binding[], times: number, bounds: Bounds, first: boolean): Binding[] {
    const sorted = [...candidates].sort((a, b) => a.min - b.min);
    const out = new Map<string, Binding>();
    const pick = (from: number, chosen: Binding | undefined, left: number): boolean => {
      if (left === 0) {
        out.set(chosen!.ids.join(), chosen!);
        this.check(out);
        return first;
      }
      for (let i = from; i < sorted.length; i++) {
        const next = sorted[i]!;
        // later candidates start later still: the span can only grow
        if (chosen && next.min - chosen.min >= bounds.span) break;
        const joined = chosen ? join(chosen, next, bounds) : next;
        if (joined && pick(i + 1, joined, left - 1)) return true;
      }
      return false;
    };
    pick(0, undefined, times);
    return [...out.values()];
  }

  private check<T extends Binding[] | Map<string, Binding>>(bindings: T): T {
    const size = Array.isArray(bindings) ? bindings.length : bindings.size;
    if (size > this.limit) throw new PatternLimitError(this.limit);
    return bindings;
  }
}

/** Two bindings with no observation in common, as one; undefined if they overlap or span too long. */
function join(a: Binding, b: Binding, bounds: Bounds): Binding | undefined {
  const min = Math.min(a.min, b.min);
  const max = Math.max(a.max, b.max);
  if (max - min >= bounds.span) return undefined;
  const ids: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.ids.length || j < b.ids.length) {
    const x = a.ids[i];
    const y = b.ids[j];
    if (x !== undefined && x === y) return undefined;
    if (y === undefined || (x !== undefined && x < y)) {
      ids.push(x!);
      i++;
    } else {
      ids.push(y);
      j++;
    }
  }
  return { ids, min, max };
}

function unique(bindings: Binding[]): Binding[] {
  const seen = new Map<string, Binding>();
  for (const binding of bindings) seen.set(binding.ids.join(), binding);
  return [...seen.values()];
}
