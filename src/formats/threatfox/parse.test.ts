import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { count, fixture, grepLines, lineNumbers, parseFile, parseText, where } from '../../../test/helpers/parse-file.ts';

const URLS = fixture('abuse.ch/threatfox-full_urls.csv');
const SHA256 = fixture('abuse.ch/threatfox-full_sha256.csv');
const HEADER =
  '# "first_seen_utc","ioc_id","ioc_value","ioc_type","threat_type","fk_malware","malware_alias","malware_printable","last_seen_utc","confidence_level","reference","tags","anonymous","reporter"';

/** Records: every non-empty line that is not a comment. */
const records = (file: string): number => count('awk', ['!/^#/ && NF { n++ } END { print n + 0 }', file]);

/**
 * The URLs ThreatFox really holds that are not URLs, found with awk on the
 * ioc_value column: a hex octet in a dotted IP (http://94.0x4A.164.136/),
 * a doubled scheme (https://https://t.me/...) and a one-label host (https://moufflcmgz/api).
 */
const MALFORMED = '$3 ~ /^https?:\\/\\/([0-9]+\\.0x[0-9a-fA-F]+\\.|https?:\\/\\/|[^\\/.:]+(\\/|$))/';

describe('threatfox: the real URL export', () => {
  it('accepts every URL but the malformed ones, which are reported by line', async () => {
    const total = records(URLS);
    const bad = lineNumbers('awk', ['-F', '", "', `!/^#/ && NF && ${MALFORMED} { print NR }`, URLS]);
    assert.ok(total > 12000 && bad.length > 0);
    // the two kinds named by the examples are among them
    assert.equal(grepLines(['-F', '"http://94.0x4A.164.136/', URLS]).filter((no) => bad.includes(no)).length, 1);
    assert.ok(grepLines(['-F', '"https://https://t.me/', URLS]).every((no) => bad.includes(no)));

    const { accepted, issues } = await parseFile('threatfox', URLS);
    assert.equal(accepted.length + issues.length, total);
    assert.equal(accepted.length, total - bad.length);
    assert.deepEqual(
      where(issues),
      bad.map((line) => ({ line, field: 'ioc_value', code: 'TIX_INPUT_BAD_VALUE' })),
    );
    assert.ok(accepted.every((o) => o.type === 'url'));
    assert.match(issues.find((i) => i.message.includes('0x4A'))!.message, /malformed IP address/);
  });

  it('reads every field of a real row', async () => {
    const { accepted } = await parseFile('threatfox', URLS);
    const [line] = grepLines(['-F', '", "55", "', URLS]);
    const loki = accepted.find((o) => o.line === line);
    assert.deepEqual(loki, {
      type: 'url',
      value: 'http://alphastand.win/alien/fre.php',
      firstSeen: Date.UTC(2020, 11, 14, 8, 44, 34),
      lastSeen: Date.UTC(2025, 6, 18, 9, 12, 43),
      confidence: 75,
      threatType: 'c2',
      malware: 'Loki Password Stealer (PWS)',
      tags: ['loki', 'malpedia:win.lokipws', 'reporter:abuse_ch'],
      reference: 'https://bazaar.abuse.ch/sample/e8e46728aa92102076069f8d322cff913a110db0817b15ac01694fb8fbc74e8a/',
      raw: '"2020-12-14 08:44:34", "55", "http://alphastand.win/alien/fre.php", "url", "botnet_cc", "win.lokipws", "Burkina,Loki,LokiBot,LokiPWS", "Loki Password Stealer (PWS)", "2025-07-18 09:12:43", "75", "https://bazaar.abuse.ch/sample/e8e46728aa92102076069f8d322cff913a110db0817b15ac01694fb8fbc74e8a/", "Loki", "0", "abuse_ch"',
      line,
    });
    const first = accepted[0]!;
    assert.equal(first.line, 10);
    assert.equal(first.value, 'http://195.133.9.204/skare.odd');
    assert.equal(first.threatType, 'payload-delivery');
    assert.equal(first.malware, 'Unknown malware');
    assert.equal(first.reference, undefined, 'an empty reference is none');
    assert.deepEqual(first.tags, ['clickfix', 'fake os update', 'reporter:huntyethhounds', 'xhamster'], '"unknown" fk_malware is no tag');
    assert.equal(first.lastSeen, first.firstSeen, 'an empty last_seen_utc');
    // https://shilohbn.ru.com has an empty path
    assert.ok(accepted.some((o) => o.value === 'https://shilohbn.ru.com/' && o.line === 11));
  });
});

describe('threatfox: the real SHA-256 export', () => {
  it('accepts every hash', async () => {
    const total = records(SHA256);
    const { accepted, issues } = await parseFile('threatfox', SHA256);
    assert.deepEqual(where(issues), []);
    assert.equal(accepted.length, total);
    assert.ok(accepted.every((o) => o.type === 'sha256' && /^[0-9a-f]{64}$/.test(o.value)));
    assert.deepEqual(
      accepted.map((o) => o.line),
      lineNumbers('awk', ['!/^#/ && NF { print NR }', SHA256]),
    );
  });

  it('maps payload to malware, and reads confidence, reference and tags', async () => {
    const { accepted } = await parseFile('threatfox', SHA256);
    assert.deepEqual(accepted[0], {
      type: 'sha256',
      value: '4ac33e95d7d1bf205c8bd021886a8edc5d405d65389edb3b0c65d62c12ace47d',
      firstSeen: Date.UTC(2025, 11, 4, 6, 9, 51),
      lastSeen: Date.UTC(2025, 11, 4, 6, 9, 51),
      confidence: 85,
      threatType: 'malware',
      malware: 'Stealc',
      tags: ['dugganusa', 'github', 'malpedia:win.stealc', 'password-protected', 'pattern-43', 'reporter:duggusa', 'russian', 'upx-packed'],
      reference: 'https://analytics.dugganusa.com/api/v1/stix-feed',
      raw: accepted[0]!.raw,
      line: 10,
    });
    const acr = accepted.find((o) => o.value === '37a351ea8df374c0be3ae20bd04f515cd6b0121db8c463c87dbe730d6abb08f4')!;
    assert.equal(acr.reference, undefined, '"None" is no reference');
    assert.deepEqual(acr.tags, ['malpedia:win.acr_stealer', 'reporter:grim']);
  });
});

describe('threatfox: broken input', () => {
  const row = (id: string, value: string, type: string, first = '2025-01-01 10:00:00', last = '') =>
    `"${first}", "${id}", "${value}", "${type}", "botnet_cc", "win.x", "None", "X", "${last}", "50", "None", "c2,X", "0", "someone"`;
  const text = [
    '################################################################',
    '# ThreatFox IOCs: CSV format                                   #',
    '#',
    HEADER,
    row('1', 'Evil-Example.com', 'domain'),
    row('2', '1.2.3.4:80', 'ip:port', '2025-01-01 10:00:00', '2025-02-01 00:00:00'),
    row('3', 'abc@evil.com', 'envelope_from'),
    row('4', '999.1.1.1:80', 'ip:port'),
    row('5', 'x.com', 'domain', '2025-31-01 10:00:00'),
    row('6', 'y.com', 'domain', '2025-01-01 10:00:00', 'soon'),
    '"2025-01-01 10:00:00", "7", "http://x.com/',
    '"2025-01-01 10:00:00", "8", "http://x.com/", "url"',
    row('9', 'D41D8CD98F00B204E9800998ECF8427E', 'md5_hash'),
    row('10', 'https://https://t.me/x/api', 'url'),
    '# Number of entries: 10',
  ].join('\n');

  it('reports each bad row by line and field, and keeps the good ones', async () => {
    const { accepted, issues } = await parseText('threatfox', text);
    assert.deepEqual(where(issues), [
      { line: 7, field: 'ioc_type', code: 'TIX_INPUT_BAD_FIELD' },
      { line: 8, field: 'ioc_value', code: 'TIX_INPUT_BAD_VALUE' },
      { line: 9, field: 'first_seen_utc', code: 'TIX_INPUT_BAD_FIELD' },
      { line: 10, field: 'last_seen_utc', code: 'TIX_INPUT_BAD_FIELD' },
      { line: 11, field: 'row', code: 'TIX_INPUT_BAD_FIELD' },
      { line: 12, field: 'row', code: 'TIX_INPUT_BAD_FIELD' },
      { line: 14, field: 'ioc_value', code: 'TIX_INPUT_BAD_VALUE' },
    ]);
    assert.match(issues[0]!.message, /unknown ThreatFox ioc_type "envelope_from"/);
    assert.match(issues[3]!.message, /not a date \(got "soon"\)/);
    assert.match(issues[4]!.message, /unterminated quote/);
    assert.match(issues[5]!.message, /row has 4 field\(s\)/);
    assert.deepEqual(
      accepted.map((o) => [o.line, o.type, o.value, o.threatType, o.tags.join(' ')]),
      [
        [5, 'domain', 'evil-example.com', 'c2', 'c2 malpedia:win.x reporter:someone x'],
        [6, 'ip-port', '1.2.3.4:80', 'c2', 'c2 malpedia:win.x reporter:someone x'],
        [13, 'md5', 'd41d8cd98f00b204e9800998ecf8427e', 'c2', 'c2 malpedia:win.x reporter:someone x'],
      ],
    );
    assert.equal(accepted[1]!.lastSeen, Date.UTC(2025, 1, 1));
  });

  it('reports rows before any header once', async () => {
    const { accepted, issues } = await parseText('threatfox', text.split('\n').filter((line) => line !== HEADER).join('\n'));
    assert.equal(accepted.length, 0);
    assert.deepEqual(where(issues), [{ line: 4, field: 'header', code: 'TIX_INPUT_BAD_FIELD' }]);
    assert.match(issues[0]!.message, /no header with ioc_value, first_seen_utc, ioc_type, threat_type before the first row/);
  });
});
