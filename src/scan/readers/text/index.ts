import { recordReader, type LogReader, type RecordReader } from '../../record.ts';

function createReader(): RecordReader {
  return recordReader({
    line(text, no) {
      return text.trim() === '' ? undefined : { line: no, values: [{ field: 'text', kind: 'text', value: text }] };
    },
  });
}

/** Any other text: every indicator in each line, found as the freetext format finds them. */
export const text: LogReader = {
  id: 'text',
  title: 'any text (every indicator in each line)',
  detect: (head) => (head.trim().length > 0 ? 0.05 : 0),
  createReader,
};
