import type { Issue, Observation, Tlp } from '../model/index.ts';

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

export interface FormatModule {
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
  createParser(ctx: ParseContext, sink: ParseSink): LineParser;
}
