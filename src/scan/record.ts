/**
 * What a log reader hands the matcher: the values of one record worth
 * matching, each with the field it came from, as Zeek's intel "seen" scripts
 * report a value and where it was seen. Readers never judge a value; the
 * matcher canonicalises it the way normalise/ canonicalises indicators.
 */

/**
 * How a field's value is matched:
 * - `ip`: an address, matched exactly and inside CIDR indicators
 * - `ip-port`: `ip:port` or `[ipv6]:port`
 * - `host`: a DNS name, matched on itself and every parent domain
 * - `host-or-ip`: a field that holds either (HTTP Host, DNS answers)
 * - `url`: a full URL; canonical match, else a weak match on its host
 * - `md5`, `sha1`, `sha256`, `sha512`: a file digest; `hash`: a digest of any of those lengths
 * - `email`: an address, possibly written `Name <a@b>`
 * - `ja3`, `x509-sha1`: TLS client fingerprint, certificate SHA-1 (colons allowed)
 * - `filename`: a file name (a path is cut to its last part)
 * - `text`: free text; every indicator in it is extracted
 */
export type FieldKind =
  | 'ip'
  | 'ip-port'
  | 'host'
  | 'host-or-ip'
  | 'url'
  | 'md5'
  | 'sha1'
  | 'sha256'
  | 'sha512'
  | 'hash'
  | 'email'
  | 'ja3'
  | 'x509-sha1'
  | 'filename'
  | 'text';

export interface Observed {
  /** The field as the log names it (`id.resp_h`, `dns.rrname`, `request`). */
  field: string;
  kind: FieldKind;
  value: string;
}

export interface ScanRecord {
  /** 1-based line of the evidence file. */
  line: number;
  /** When the record says it happened, in epoch milliseconds, if it says. */
  time?: number;
  values: Observed[];
}

/** A line a reader could not read: reported with its number, and the scan goes on. */
export interface ReadProblem {
  line: number;
  code: 'TIX_INPUT_BAD_FIELD' | 'TIX_JSON_SYNTAX' | 'TIX_INPUT_ENCODING' | 'TIX_INPUT_LINE_TOO_LONG' | 'TIX_INPUT_BINARY' | 'TIX_INPUT_UNREADABLE';
  message: string;
}

/** Where a reader puts the values of a record, one by one (no object per record on the hot path). */
export interface ValueSink {
  value(field: string, kind: FieldKind, value: string): void;
}

/**
 * The intel asked from a field's raw bytes whether a value could hit: false
 * only when it certainly cannot. A value not already in the canonical form a
 * lookup expects is answered true, so the line is read and matched in full.
 * Readers use it to pass over the lines that cannot hit (almost all of a
 * log) without building a string of them.
 */
export interface ValueScreen {
  /** A value of a kind, as the reader would hand it to the matcher: bytes [start, end). */
  value(kind: FieldKind, bytes: Uint8Array, start: number, end: number): boolean;
  /** The `ip:port` a plan composes of two fields. */
  ipPort(bytes: Uint8Array, ipStart: number, ipEnd: number, portStart: number, portEnd: number): boolean;
  /** The URL a plan composes of host, path and port fields (portStart -1: no port). */
  composedUrl(bytes: Uint8Array, hostStart: number, hostEnd: number, pathStart: number, pathEnd: number, portStart: number, portEnd: number): boolean;
}

/** A reader of one log type, fed line by line. */
export interface RecordReader {
  /** Reads one line, handing its values to `sink`; returns a problem if the line cannot be read (a header or comment is nothing). */
  read(text: string, no: number, sink: ValueSink): ReadProblem | undefined;
  /** When the record last read happened (epoch ms), worked out only when asked: for the few records that hit. */
  time(): number | undefined;
  /**
   * Whether a line (UTF-8 bytes [start, end), no newline) must be read:
   * false only when none of its values can hit and read() would neither
   * report a problem nor change the reader's state. Optional: a reader
   * without it has every line read.
   */
  screen?(bytes: Uint8Array, start: number, end: number, screen: ValueScreen): boolean;
}

/** One log type: how sure it is it can read a head, and a fresh reader per file. */
export interface LogReader {
  /** kebab-case; the `--format` value. */
  id: string;
  title: string;
  /** 0..1 from the first 64 KiB; pure, never throws. */
  detect(head: string, fileName: string): number;
  /** A reader in its initial state; `head` lets a reader that needs a header (Zeek TSV, CSV) recover it when a worker starts mid-file. */
  createReader(head?: string): RecordReader;
}

/** One line read into a ScanRecord: for tests and for callers that want records whole. */
export function readRecord(reader: RecordReader, text: string, no: number): ScanRecord | ReadProblem | undefined {
  const values: Observed[] = [];
  const problem = reader.read(text, no, { value: (field, kind, value) => values.push({ field, kind, value }) });
  if (problem) return problem;
  if (values.length === 0) return undefined;
  const record: ScanRecord = { line: no, values };
  const time = reader.time();
  if (time !== undefined) record.time = time;
  return record;
}

export function isProblem(result: ScanRecord | ReadProblem | undefined): result is ReadProblem {
  return result !== undefined && 'code' in result;
}

/** A RecordReader from a reader that builds whole records (the formats that are not on the hot path). */
export function recordReader(inner: { line(text: string, no: number): ScanRecord | ReadProblem | undefined }): RecordReader {
  let time: number | undefined;
  return {
    read(text, no, sink) {
      time = undefined;
      const result = inner.line(text, no);
      if (result === undefined) return undefined;
      if (isProblem(result)) return result;
      time = result.time;
      for (const v of result.values) sink.value(v.field, v.kind, v.value);
      return undefined;
    },
    time: () => time,
  };
}
