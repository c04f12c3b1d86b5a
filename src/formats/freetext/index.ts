import type { FormatModule } from '../format.ts';
import { emitRecord } from '../common/record.ts';
import { extractIndicators } from './extract.ts';

/**
 * Any text: every indicator found in it is imported. The fallback when no
 * other format recognises the input, and the right choice for reports and
 * e-mails pasted in by analysts.
 */
export const freetext: FormatModule = {
  id: 'freetext',
  title: 'free text (extract every indicator)',
  kind: 'feed',
  detect: (head) => (head.trim().length > 0 ? 0.1 : 0),
  createParser(ctx, sink) {
    return {
      line(text, no) {
        for (const item of extractIndicators(text)) {
          emitRecord(sink, ctx, no, text, { value: item.value, type: item.type, field: 'text', tags: [] });
        }
      },
      end() {},
    };
  },
};

export { extractIndicators } from './extract.ts';
