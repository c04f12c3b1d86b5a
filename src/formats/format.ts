import type { Issue, Observation, StixObject, Tlp } from '../model/index.ts';

/** What a parser knows of its input. No clock but `now`, no I/O. */
export interface ParseContext {
  /** The input as the user named it, for messages. */
  file: string;
  /** When the data was observed, for records that carry no date of their own (a file's mtime, a pull's time). */
  now: number;
  /** Format options, e.g. the column mapping of the generic CSV format. */
  options: Readonly<Record<string, string>>;
}

/** Where a parser puts what it reads. A bad record is data: it goes to `reject`, and parsing goes on. */
export interface ParseSink {
  accept(observation: Observation): void;
  reject(issue: Issue): void;
}

/** A streaming, line-oriented parser: fed one line at a time, it never sees the whole input. */
export interface LineParser {
  line(text: string, no: number): void;
  end(): void;
}

interface FormatBase {
  /** kebab-case; equals the folder name and the CLI --format value. */
  id: string;
  title: string;
  kind: 'feed' | 'exchange' | 'blocklist';
  /** The marking the publisher puts on the data (public feeds are TLP:CLEAR); absent for formats anyone's data can come in. */
  defaultTlp?: Tlp;
  /** Source name used when the user gives none; a function when each file is its own list (maltrail trails). */
  defaultSource?: string | ((fileName: string) => string);
  /** 0..1: how sure this format is that it can read `head` (the first 64 KiB). Pure; never throws. */
  detect(head: string, fileName: string): number;
}

/** A format read line by line (feeds, lists, CSV, text). */
export interface LineFormat extends FormatBase {
  reads?: 'lines';
  createParser(ctx: ParseContext, sink: ParseSink): LineParser;
}

/** Where a document parser puts what it reads: observations, issues and the exchange objects themselves. */
export interface DocumentSink extends ParseSink {
  /** A STIX object to keep as it is (the object store), found at `line` of the input, with the TLP its markings give it. */
  object(object: StixObject, line: number, tlp?: Tlp): void;
}

/**
 * A streaming parser of a whole document (JSON): fed decoded text in chunks
 * of any size, with no regard to lines, so a minified 1 GB bundle never has
 * to sit in memory. It counts lines itself for its messages.
 */
export interface TextParser {
  write(chunk: string): void;
  end(): void;
}

/** A format read as one document (STIX bundles, MISP events). */
export interface DocumentFormat extends FormatBase {
  reads: 'document';
  createParser(ctx: ParseContext, sink: DocumentSink): TextParser;
}

export type FormatModule = LineFormat | DocumentFormat;
