export { listFormats, getFormat, detectFormat } from './registry.ts';
export type { FormatModule, LineParser, ParseContext, ParseSink } from './format.ts';
export { extractIndicators } from './freetext/index.ts';
