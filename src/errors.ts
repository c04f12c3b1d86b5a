/**
 * Every error tix raises carries a stable code (documented in docs/errors.md)
 * and its facts as fields, so the CLI and the API can report it without
 * parsing message text.
 */
export const ERROR_CODES = {
  TIX_INPUT_BAD_VALUE: 'a value is not a valid indicator of its type',
  TIX_INPUT_BAD_FIELD: 'a field of a record is missing or malformed',
  TIX_INPUT_BINARY: 'the input is a binary file, not text',
  TIX_INPUT_ENCODING: 'a line is not valid UTF-8',
  TIX_INPUT_LINE_TOO_LONG: 'a line is longer than the reader accepts',
  TIX_INPUT_EMPTY: 'the input holds no data',
  TIX_INPUT_UNREADABLE: 'the input could not be read',
  TIX_FORMAT_UNKNOWN: 'no format matches the input, or the named format does not exist',
  TIX_FORMAT_AMBIGUOUS: 'several formats match the input equally well',
  TIX_CONFIG_BAD_OPTION: 'a command-line option or setting has a bad value',
  TIX_STORE_FAILED: 'the store could not complete an operation',
  TIX_STORE_SCHEMA: 'the store schema is newer than this tix',
  TIX_NOT_FOUND: 'the named object does not exist',
  TIX_CONFLICT: 'the object already exists',
  TIX_FEED_FETCH: 'a feed could not be fetched',
  TIX_INPUT_TOO_LARGE: 'a document is larger than its format reads whole; nothing was imported',
  TIX_INPUT_SKIPPED: 'a record of a kind tix does not import was skipped (a warning)',
  TIX_QUERY_INVALID: 'a query filter or paging cursor has a bad value',
  TIX_EXPORT_UNKNOWN: 'the named export format does not exist',
  TIX_JSON_SYNTAX: 'a JSON document is malformed',
  TIX_STIX_INVALID: 'a STIX object lacks a required property or has a malformed one',
  TIX_STIX_VERSION: 'a STIX bundle or object has a spec_version tix does not read',
  TIX_STIX_UNKNOWN_TYPE: 'a STIX object has a type that is neither standard nor custom (x-)',
  TIX_STIX_PATTERN: 'a STIX pattern does not parse',
  TIX_SESSION_CSRF: 'a state-changing request signed in by the session cookie lacks the session\'s CSRF token header',
  TIX_REPORT_BAD_REF: 'a report links an object, report or value that does not exist or that its author may not read',
  TIX_ATTACHMENT_TOO_LARGE: 'an attachment is larger than the limit; nothing was written',
  TIX_CASE_UNKNOWN: 'no investigation with that case reference that the caller is a member of',
  TIX_CASE_DENIED: 'the organisation may not do this to the investigation (open one: police only; invite or attach: members only)',
  TIX_RFI_NOT_OPEN: 'the request is closed or declined, so it cannot be answered, declined or commented on',
  TIX_RFI_NOT_PARTY: 'only the requesting and the asked organisation act on a request, each in its own role',
  TIX_SNAPSHOT_INVALID: 'an intel snapshot is damaged, altered or of an unknown version',
  TIX_INPUT_WARNINGLISTED: 'an imported value is on a warninglist (known benign); imported all the same (a warning)',
  TIX_GZIP_TRUNCATED: 'a gzip stream ends early or is corrupt; what was read before is kept',
  TIX_SCAN_TOO_LARGE: 'an uploaded evidence file is larger than the server scans; nothing was scanned',
  TIX_ENRICH_BAD_DATABASE: 'an enrichment database (MMDB or ASN CSV) cannot be read',
  TIX_ENRICH_NO_DATA: 'no enrichment data is installed or named',
  TIX_CONTACT_CONFLICT: 'two contact entries claim the same country, AS or CIDR for the same role',
  TIX_OP_BAD_COUNTRY: 'a country code is not an ISO 3166-1 alpha-2 code',
  TIX_OP_BAD_WINDOW: "an operation's time window ends before it starts",
  TIX_PACKAGE_TAMPERED: 'a package file differs from its signed manifest, or the signature does not verify',
  TIX_PACKAGE_EXPIRED: 'a package is past the expiry date of its manifest',
  TIX_NOTIFY_SEND: 'a notification could not be sent over SMTP',
  TIX_SYNC_FETCH: 'a sync could not fetch a page from its remote TAXII server (unreachable, an HTTP error, no answer in time)',
  TIX_SYNC_BAD_PAGE: 'a remote TAXII server answered a sync with something that is not a TAXII 2.1 envelope (wrong media type, not JSON)',
  TIX_SYNC_MARKING: 'a synced object carries a marking tix does not know, or TLP:RED, or granular markings: it was skipped, never stored as unmarked',
  TIX_SYNC_PUSH: 'sightings could not be pushed to the remote a sync pulls from',
  TIX_SECRET_SEALED: "a stored credential is sealed and cannot be opened: this process has no secret key (TIX_SECRET_KEY), or another one",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class TixError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export interface InputFacts {
  file?: string;
  line?: number;
  field?: string;
  value?: string;
}

export class InputError extends TixError {
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;
  readonly value?: string;
  constructor(code: ErrorCode, message: string, facts: InputFacts = {}, options?: { cause?: unknown }) {
    super(code, message, options);
    this.file = facts.file;
    this.line = facts.line;
    this.field = facts.field;
    this.value = facts.value === undefined ? undefined : clip(facts.value);
  }
}

export class ConfigError extends TixError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TIX_CONFIG_BAD_OPTION', message, options);
  }
}

export class StoreError extends TixError {}

export class NotFoundError extends TixError {
  constructor(message: string) {
    super('TIX_NOT_FOUND', message);
  }
}

export class ConflictError extends TixError {
  constructor(message: string) {
    super('TIX_CONFLICT', message);
  }
}

/** Values quoted in messages are cut so a 10 MB line never floods a terminal. */
export function clip(value: string, max = 80): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}
