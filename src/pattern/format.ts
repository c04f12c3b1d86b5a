import type { ComparisonNode, Pattern, PatternNode } from './ast.ts';
import { formatPath } from './path.ts';

/** Binding strength, loosest first; qualifiers and brackets bind tightest. */
const OBSERVATION_LEVEL = { followedby: 1, or: 2, and: 3 } as const;

/**
 * The pattern in one canonical spelling: single spaces, parentheses only
 * where the tree needs them, constants as written. Parsing the output gives
 * the same tree.
 */
export function formatPattern(pattern: Pattern | PatternNode): string {
  return formatNode('root' in pattern ? pattern.root : pattern);
}

function level(node: PatternNode): number {
  return node.kind === 'and' || node.kind === 'or' || node.kind === 'followedby' ? OBSERVATION_LEVEL[node.kind] : 4;
}

function formatNode(node: PatternNode): string {
  switch (node.kind) {
    case 'observation':
      return `[${formatComparison(node.comparison)}]`;
    case 'and':
    case 'or':
    case 'followedby': {
      const own = level(node);
      // left-associative: a right operand of equal strength keeps its parentheses
      const left = level(node.left) < own ? `(${formatNode(node.left)})` : formatNode(node.left);
      const right = level(node.right) <= own ? `(${formatNode(node.right)})` : formatNode(node.right);
      return `${left} ${node.kind.toUpperCase()} ${right}`;
    }
    case 'within':
      return `${qualified(node.operand)} WITHIN ${node.seconds} SECONDS`;
    case 'repeats':
      return `${qualified(node.operand)} REPEATS ${node.times} TIMES`;
    case 'start-stop':
      return `${qualified(node.operand)} START ${node.start.text} STOP ${node.stop.text}`;
  }
}

/** A qualifier applies to the bracket or parenthesised group just before it. */
function qualified(operand: PatternNode): string {
  return level(operand) < 4 ? `(${formatNode(operand)})` : formatNode(operand);
}

function formatComparison(node: ComparisonNode): string {
  if (node.kind === 'and' || node.kind === 'or') {
    const strength = (child: ComparisonNode) => (child.kind === 'or' ? 1 : child.kind === 'and' ? 2 : 3);
    const own = strength(node);
    const left = strength(node.left) < own ? `(${formatComparison(node.left)})` : formatComparison(node.left);
    const right = strength(node.right) <= own ? `(${formatComparison(node.right)})` : formatComparison(node.right);
    return `${left} ${node.kind.toUpperCase()} ${right}`;
  }
  const not = node.negated ? 'NOT ' : '';
  if (node.operator === 'EXISTS') return `${not}EXISTS ${formatPath(node.path)}`;
  const value = node.operator === 'IN' ? `(${node.value.map((v) => v.text).join(', ')})` : node.value.text;
  return `${formatPath(node.path)} ${not}${node.operator} ${value}`;
}
