export { listFormats, getFormat, detectFormat } from './registry.ts';
export type { DocumentFormat, DocumentSink, FormatModule, LineFormat, LineParser, ParseContext, ParseSink, TextParser } from './format.ts';
export { extractIndicators } from './freetext/index.ts';
