import type { IndicatorType } from '../../model/index.ts';

/**
 * Every MISP attribute type, as PyMISP's describeTypes.json lists them
 * (test/fixtures/misp/reference/pymisp-describeTypes.json; a test keeps the
 * two equal). A type outside this list is unknown, not merely unimported.
 */
export const MISP_ATTRIBUTE_TYPES: ReadonlySet<string> = new Set([
  'md5', 'sha1', 'sha256', 'filename', 'pdb', 'filename|md5', 'filename|sha1', 'filename|sha256', 'ip-src', 'ip-dst', 'hostname',
  'domain', 'domain|ip', 'email', 'email-src', 'eppn', 'email-dst', 'email-subject', 'email-attachment', 'email-body', 'float',
  'git-commit-id', 'url', 'http-method', 'user-agent', 'ja3-fingerprint-md5', 'jarm-fingerprint', 'favicon-mmh3', 'hassh-md5',
  'hasshserver-md5', 'regkey', 'regkey|value', 'AS', 'snort', 'suricata', 'bro', 'zeek', 'community-id', 'dom-hash',
  'pattern-in-file', 'pattern-in-traffic', 'pattern-in-memory', 'filename-pattern', 'pgp-public-key', 'pgp-private-key',
  'ssh-fingerprint', 'yara', 'stix2-pattern', 'sigma', 'gene', 'kusto-query', 'mime-type', 'identity-card-number', 'cookie',
  'vulnerability', 'cpe', 'weakness', 'attachment', 'malware-sample', 'link', 'comment', 'text', 'hex', 'other', 'named pipe',
  'mutex', 'process-state', 'target-user', 'target-email', 'target-machine', 'target-org', 'target-location', 'target-external',
  'btc', 'dash', 'xmr', 'iban', 'bic', 'bank-account-nr', 'aba-rtn', 'bin', 'cc-number', 'prtn', 'phone-number', 'threat-actor',
  'campaign-name', 'campaign-id', 'malware-type', 'uri', 'authentihash', 'vhash', 'ssdeep', 'imphash', 'telfhash', 'pehash',
  'impfuzzy', 'sha224', 'sha384', 'sha512', 'sha512/224', 'sha512/256', 'sha3-224', 'sha3-256', 'sha3-384', 'sha3-512', 'tlsh',
  'cdhash', 'filename|authentihash', 'filename|vhash', 'filename|ssdeep', 'filename|imphash', 'filename|impfuzzy',
  'filename|pehash', 'filename|sha224', 'filename|sha384', 'filename|sha512', 'filename|sha512/224', 'filename|sha512/256',
  'filename|sha3-224', 'filename|sha3-256', 'filename|sha3-384', 'filename|sha3-512', 'filename|tlsh', 'windows-scheduled-task',
  'windows-service-name', 'windows-service-displayname', 'whois-registrant-email', 'whois-registrant-phone',
  'whois-registrant-name', 'whois-registrant-org', 'whois-registrar', 'whois-creation-date', 'x509-fingerprint-sha1',
  'x509-fingerprint-md5', 'x509-fingerprint-sha256', 'dns-soa-email', 'size-in-bytes', 'counter', 'integer', 'datetime', 'port',
  'ip-dst|port', 'ip-src|port', 'hostname|port', 'mac-address', 'mac-eui-64', 'email-dst-display-name', 'email-src-display-name',
  'email-header', 'email-reply-to', 'email-x-mailer', 'email-mime-boundary', 'email-thread-index', 'email-message-id',
  'github-username', 'github-repository', 'github-organisation', 'jabber-id', 'twitter-id', 'dkim', 'dkim-signature', 'first-name',
  'middle-name', 'last-name', 'full-name', 'date-of-birth', 'place-of-birth', 'gender', 'passport-number', 'passport-country',
  'passport-expiration', 'redress-number', 'nationality', 'visa-number', 'issue-date-of-the-visa', 'primary-residence',
  'country-of-residence', 'special-service-request', 'frequent-flyer-number', 'travel-details', 'payment-details',
  'place-port-of-original-embarkation', 'place-port-of-clearance', 'place-port-of-onward-foreign-destination',
  'passenger-name-record-locator-number', 'mobile-application-id', 'azure-application-id', 'chrome-extension-id',
  'edge-extension-id', 'cortex', 'boolean', 'uuid', 'anonymised', 'onion-address',
]);

/**
 * The tix type of each `|`-separated part of a MISP value; `undefined` drops
 * that part (a hash type tix does not store, the port of host|port). IP types
 * name `ipv4` only as a hint: the normaliser answers ipv4, ipv6 or cidr by
 * the value. `malware-sample` values are `filename|md5` although the type
 * has no `|`. `ip-*|port` is joined into one ip-port value instead.
 */
export const IMPORT_TYPES: Readonly<Record<string, readonly (IndicatorType | undefined)[]>> = {
  'ip-src': ['ipv4'],
  'ip-dst': ['ipv4'],
  'ip-src|port': ['ip-port'],
  'ip-dst|port': ['ip-port'],
  domain: ['domain'],
  hostname: ['hostname'],
  'onion-address': ['hostname'],
  'domain|ip': ['domain', 'ipv4'],
  'hostname|port': ['hostname', undefined],
  url: ['url'],
  uri: ['url'],
  email: ['email'],
  'email-src': ['email'],
  'email-dst': ['email'],
  'email-reply-to': ['email'],
  md5: ['md5'],
  sha1: ['sha1'],
  sha256: ['sha256'],
  sha512: ['sha512'],
  ssdeep: ['ssdeep'],
  tlsh: ['tlsh'],
  'ja3-fingerprint-md5': ['ja3'],
  'x509-fingerprint-sha1': ['x509-sha1'],
  AS: ['asn'],
  filename: ['filename'],
  'email-attachment': ['filename'],
  'filename|md5': ['filename', 'md5'],
  'filename|sha1': ['filename', 'sha1'],
  'filename|sha256': ['filename', 'sha256'],
  'filename|sha512': ['filename', 'sha512'],
  'filename|ssdeep': ['filename', 'ssdeep'],
  'filename|tlsh': ['filename', 'tlsh'],
  'malware-sample': ['filename', 'md5'],
  // the other filename|<hash> types: the file name is an indicator, the hash is of a kind tix does not store
  ...Object.fromEntries(
    ['authentihash', 'vhash', 'imphash', 'impfuzzy', 'pehash', 'sha224', 'sha384', 'sha512/224', 'sha512/256', 'sha3-224', 'sha3-256', 'sha3-384', 'sha3-512'].map(
      (hash) => [`filename|${hash}`, ['filename', undefined]],
    ),
  ),
};

/** MISP types whose two parts are an address and a port, written as one tix ip-port value. */
export const IP_PORT_TYPES: ReadonlySet<string> = new Set(['ip-src|port', 'ip-dst|port']);

/** Types whose value has two parts although the name has no `|`. */
export const PAIR_TYPES: ReadonlySet<string> = new Set(['malware-sample']);

export interface ExportType {
  type: string;
  /** describeTypes' default category for the type. */
  category: string;
}

/**
 * The MISP attribute type tix writes for each of its types. Destination
 * types, since a tix indicator is something to block or look for; an
 * e-mail address is a sender (`email-src`, MISP's type for malspam senders).
 * Typed over every tix type, so a new one cannot be forgotten here.
 */
export const EXPORT_TYPES: Readonly<Record<IndicatorType, ExportType>> = {
  ipv4: { type: 'ip-dst', category: 'Network activity' },
  ipv6: { type: 'ip-dst', category: 'Network activity' },
  cidr: { type: 'ip-dst', category: 'Network activity' },
  'ip-port': { type: 'ip-dst|port', category: 'Network activity' },
  domain: { type: 'domain', category: 'Network activity' },
  hostname: { type: 'hostname', category: 'Network activity' },
  url: { type: 'url', category: 'Network activity' },
  email: { type: 'email-src', category: 'Payload delivery' },
  md5: { type: 'md5', category: 'Payload delivery' },
  sha1: { type: 'sha1', category: 'Payload delivery' },
  sha256: { type: 'sha256', category: 'Payload delivery' },
  sha512: { type: 'sha512', category: 'Payload delivery' },
  ssdeep: { type: 'ssdeep', category: 'Payload delivery' },
  tlsh: { type: 'tlsh', category: 'Payload delivery' },
  asn: { type: 'AS', category: 'Network activity' },
  ja3: { type: 'ja3-fingerprint-md5', category: 'Network activity' },
  'x509-sha1': { type: 'x509-fingerprint-sha1', category: 'Network activity' },
  filename: { type: 'filename', category: 'Payload delivery' },
};
