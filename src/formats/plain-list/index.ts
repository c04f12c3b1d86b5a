import { normalise } from '../../normalise/index.ts';
import type { FormatModule } from '../format.ts';
import { emitRecord } from '../common/record.ts';

const COMMENT = /^\s*(#|;|\/\/)/;

/** First whitespace-separated token; IPsum and similar lists put a score after the value. */
function firstToken(line: string): string {
  const trimmed = line.trim();
  const space = trimmed.search(/\s/);
  return space < 0 ? trimmed : trimmed.slice(0, space);
}

/**
 * One value per line, of any type, fanged or defanged (`58[.]60[.]184[.]214`):
 * OpenPhish, VXVault, IPsum, CINS, the mirrors of IP blocklists, Talos' IoC
 * lists. Comment lines start with #, ; or //.
 */
export const plainList: FormatModule = {
  id: 'plain-list',
  title: 'plain list, one indicator per line',
  kind: 'feed',
  detect(head) {
    const lines = head.split('\n').slice(0, 400);
    if (head.length >= 65536) lines.pop(); // the last line of a cut head may be partial
    let values = 0;
    let shaped = 0;
    let good = 0;
    for (const line of lines) {
      if (line.trim() === '' || COMMENT.test(line)) continue;
      values++;
      const tokens = line.trim().split(/\s+/);
      if (tokens.length > 2 || line.includes(',')) continue;
      shaped++;
      if (normalise(tokens[0]!).ok) good++;
    }
    if (values === 0) return 0;
    // a list keeps its shape even where most of its values are bad: those must be reported, not passed over as prose
    if (shaped / values < 0.9 || good === 0) return 0;
    return 0.3 + 0.2 * (good / values);
  },
  createParser(ctx, sink) {
    return {
      line(text, no) {
        if (text.trim() === '' || COMMENT.test(text)) return;
        emitRecord(sink, ctx, no, text, { value: firstToken(text), field: 'value', tags: [] });
      },
      end() {},
    };
  },
};
