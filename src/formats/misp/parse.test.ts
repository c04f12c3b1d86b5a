import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { IssueSchema, ObservationSchema, type Issue, type Observation } from '../../model/index.ts';
import { misp } from './index.ts';
import { createMispParser } from './parse.ts';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/misp/', import.meta.url));
const NOW = Date.UTC(2025, 0, 1);

interface Parsed {
  accepted: Observation[];
  issues: Issue[];
}

/** Feeds text to the parser in `chunk`-sized pieces (small, so tokens straddle them), as ingest feeds decoded text. */
function parse(text: string, options: { chunk?: number; file?: string; maxChars?: number } = {}): Parsed {
  const accepted: Observation[] = [];
  const issues: Issue[] = [];
  const ctx = { file: options.file ?? 'inline.json', now: NOW, options: {} };
  const sink = {
    accept: (observation: Observation) => accepted.push(ObservationSchema.strict().parse(observation)),
    reject: (issue: Issue) => issues.push(IssueSchema.strict().parse(issue)),
    object: () => assert.fail('MISP documents hold no STIX objects'),
  };
  const parser = options.maxChars ? createMispParser(ctx, sink, { maxChars: options.maxChars }) : misp.createParser(ctx, sink);
  const size = options.chunk ?? 4096;
  for (let at = 0; at < text.length; at += size) parser.write(text.slice(at, at + size));
  parser.end();
  return { accepted, issues };
}

const parseFixture = (relative: string): Parsed => parse(readFileSync(`${FIXTURES}${relative}`, 'utf8'), { file: relative });
const where = (issues: Issue[]) => issues.map(({ line, field, code, severity }) => ({ line, field, code, severity }));

/**
 * The independent count, with jq over the raw JSON: values the attributes
 * of mappable types hold (a composite of two stored parts counts twice),
 * and the attributes of every other type. The type lists are restated here
 * from the mapping table in README.md, not imported.
 */
const JQ = `
def one: ["ip-src","ip-dst","ip-src|port","ip-dst|port","domain","hostname","onion-address","url","email","email-src","email-dst",
  "email-reply-to","md5","sha1","sha256","sha512","ssdeep","tlsh","ja3-fingerprint-md5","x509-fingerprint-sha1","AS","filename",
  "email-attachment","hostname|port"];
def two: ["domain|ip","filename|md5","filename|sha1","filename|sha256","filename|sha512","filename|ssdeep","filename|tlsh","malware-sample"];
[ (.response[]?.Event // .Event // .) | (.Attribute[]?, .Object[]?.Attribute[]?)
  | if (.type as $t | two | index([$t])) then 2
    elif (.type as $t | one | index([$t])) then 1
    elif (.type | startswith("filename|")) then 1
    elif .type == "uri" and (.value | test("^[a-z][a-z0-9+.-]*://"; "i")) then 1
    else 0 end ]
| [ (map(select(. > 0)) | add // 0), (map(select(. == 0)) | length) ] | @tsv`;

function jqCount(relative: string): { values: number; skipped: number } {
  const [values, skipped] = execFileSync('jq', ['-r', JQ, `${FIXTURES}${relative}`], { encoding: 'utf8' }).trim().split('\t').map(Number);
  return { values: values!, skipped: skipped! };
}

/** Every event file under test/fixtures/misp, with the number of values each holds, counted by hand and by jq. */
const EXPECTED: Record<string, number> = {
  'events/eset/dukes_misp-dukes-operation-ghost-event.json': 87, // 101 attributes: 18 sha1, 20 domain, 49 url; 13 text, 1 link skipped
  'events/eset/sednit_2018-11-20_Zebrocy.json': 43, // 28 indicator attributes, 15 of them filename|hash composites
  'events/eset/turla_misp-turla-crutch-event.json': 16,
  'events/pymisp-tests/57c4445b-c548-4654-af0b-4be3950d210f.json': 4,
  'events/pymisp-tests/existing_event.json': 83, // 9 attributes and 113 in 49 objects
  'events/pymisp-tests/galaxy_1.json': 4,
  'events/pymisp-tests/japanese_test.json': 0, // one text attribute
  'events/pymisp-tests/mainly_objects_1.json': 39, // all in objects
  'events/pymisp-tests/misp_event.json': 1,
  'events/pymisp-tests/sighting_1.json': 5,
  'feed-chrome-mal-ids/02a9a808-5d6c-52a5-b9d9-9388593cd0ae.json': 32,
  'feed-chrome-mal-ids/049f01a5-7e01-559b-83e8-3a67738bbbe1.json': 2,
  'feed-chrome-mal-ids/14d81e68-c68b-5dd2-a7b3-6af53e7bdf58.json': 3,
  'feed-chrome-mal-ids/1cbc2555-ce22-501e-b78b-dfd52e4499c1.json': 10,
  'feed-chrome-mal-ids/b9001079-0705-57fd-91d4-89e1a6d09267.json': 52,
  'feed-chrome-mal-ids/f947d4ae-77a5-547a-b541-6cb74add70fd.json': 4,
};

describe('misp: every real event file', () => {
  const files = ['events/eset', 'events/pymisp-tests', 'feed-chrome-mal-ids'].flatMap((dir) =>
    readdirSync(`${FIXTURES}${dir}`)
      .filter((name) => name.endsWith('.json') && name !== 'manifest.json')
      .map((name) => `${dir}/${name}`),
  );

  it('are all listed here', () => {
    assert.deepEqual(files.sort(), Object.keys(EXPECTED).sort());
  });

  for (const file of files) {
    it(`${file}: imports the values jq counts, and reports the rest once as skipped`, () => {
      const text = readFileSync(`${FIXTURES}${file}`, 'utf8');
      const { accepted, issues } = parseFixture(file);
      const counted = jqCount(file);
      assert.equal(counted.values, EXPECTED[file]);
      assert.equal(accepted.length, EXPECTED[file]);
      // nothing in these files is malformed: at most one warning per event, for the attributes that are not indicators
      assert.ok(issues.every((issue) => issue.code === 'TIX_INPUT_SKIPPED' && issue.severity === 'warning'));
      const skipped = issues.reduce((sum, issue) => sum + Number(/^(\d+) attribute/.exec(issue.message)![1]), 0);
      assert.equal(skipped, counted.skipped);

      // each value points at its attribute: the uuid is the attribute's, and its line is where the attribute starts
      const lines = text.split('\n');
      for (const observation of accepted) {
        assert.ok(observation.objectId && text.includes(`"${observation.objectId}"`), `${observation.value}: objectId`);
        assert.ok(observation.raw.includes(observation.objectId!));
        if (!text.trimEnd().includes('\n')) {
          assert.equal(observation.line, 1);
          continue;
        }
        assert.equal(lines[observation.line - 1]!.trim(), '{', `${file}:${observation.line} starts an object`);
        const uuidLine = lines.findIndex((line, index) => index >= observation.line && line.includes(`"${observation.objectId}"`)) + 1;
        assert.ok(uuidLine > observation.line && uuidLine - observation.line < 60, `${file}:${observation.line}: ${observation.objectId} at ${uuidLine}`);
      }
    });
  }

  it('reads every field of a composite attribute (Zebrocy, one line, restSearch wrapper)', () => {
    const { accepted } = parseFixture('events/eset/sednit_2018-11-20_Zebrocy.json');
    const raw =
      '{"id":"72995","type":"filename|md5","category":"Payload installation","to_ids":false,"uuid":"5be1f6ca-660c-472e-9688-613e0a016219","event_id":"298","distribution":"5","timestamp":"1541535434","comment":"","sharing_group_id":"0","deleted":false,"disable_correlation":false,"object_id":"0","object_relation":null,"value":"%PUBLIC%\\\\Videos\\\\audev.exe|8294a36782cbb5456d552a91552b1768","Galaxy":[],"ShadowAttribute":[]}';
    const common = {
      firstSeen: 1541535434000,
      lastSeen: 1541535434000,
      tags: ['misp-event:5be1e65d-8198-497b-bdf5-5ec20a016219', 'misp-galaxy:threat-actor="Sofacy"', 'to_ids:false'],
      threatType: 'malware',
      reference: 'Zebrocy blogpost November 2018',
      raw,
      line: 1,
      objectId: '5be1f6ca-660c-472e-9688-613e0a016219',
    };
    assert.deepEqual(
      accepted.filter((o) => o.objectId === common.objectId),
      [
        { type: 'filename', value: 'audev.exe', ...common },
        { type: 'md5', value: '8294a36782cbb5456d552a91552b1768', ...common },
      ],
    );
    assert.equal(JSON.parse(raw).value, '%PUBLIC%\\Videos\\audev.exe|8294a36782cbb5456d552a91552b1768');
    const emails = accepted.filter((o) => o.type === 'email');
    assert.equal(emails.length, 11, '4 email-src and 7 email-dst');
  });

  it('reads a bare event with objects (existing_event.json): TLP, galaxies, the report link, object attribute lines', () => {
    const { accepted, issues } = parseFixture('events/pymisp-tests/existing_event.json');
    assert.deepEqual(where(issues), [{ line: 1, field: 'event', code: 'TIX_INPUT_SKIPPED', severity: 'warning' }]);
    assert.match(issues[0]!.message, /^39 attribute\(s\) of MISP types that are not indicators skipped: link ×1 \(first Attribute\[0\]\), text ×38 \(first Attribute\[1\]\)$/);
    const sha1 = accepted.find((o) => o.value === '9f6bed7d7f4728490117cbc85819c2e6c494251b')!;
    assert.equal(sha1.line, 2604);
    assert.equal(sha1.tlp, 'clear', 'tlp:white is TLP 2.0 CLEAR');
    assert.equal(sha1.malware, 'JHUHUGIT', 'the first malware galaxy of the event');
    assert.equal(sha1.reference, 'https://www.welivesecurity.com/2017/12/21/sednit-update-fancy-bear-spent-year/');
    assert.ok(sha1.tags.includes('misp-galaxy:threat-actor="Sofacy"') && !sha1.tags.some((tag) => tag.startsWith('tlp:')));
    assert.deepEqual(
      [...new Set(accepted.map((o) => o.type))].sort(),
      ['domain', 'filename', 'ipv4', 'sha1'],
    );
  });

  it('keeps to_ids=false values, marked, and the others unmarked', () => {
    const { accepted } = parseFixture('events/pymisp-tests/57c4445b-c548-4654-af0b-4be3950d210f.json');
    assert.deepEqual(
      accepted.map((o) => [o.type, o.tags.includes('to_ids:false')]),
      [
        ['filename', false],
        ['md5', false],
        ['sha1', false],
        ['sha256', false],
      ],
    );
    const dukes = parseFixture('events/eset/dukes_misp-dukes-operation-ghost-event.json').accepted;
    assert.ok(dukes.every((o) => o.tags.includes('to_ids:false')), 'ESET publishes everything with to_ids false');
  });
});

describe('misp: the three wrappers', () => {
  const bare = readFileSync(`${FIXTURES}events/pymisp-tests/misp_event.json`, 'utf8');
  const event = JSON.parse(bare) as Record<string, unknown>;

  it('read the same event alike', () => {
    const forms = [bare, JSON.stringify({ Event: event }, null, 2), JSON.stringify({ response: [{ Event: event }, { Event: event }] }, null, 2)];
    const results = forms.map((text) => parse(text));
    const strip = (o: Observation) => ({ ...o, line: 0 });
    assert.deepEqual(results[0]!.accepted.map(strip), results[1]!.accepted.map(strip));
    assert.deepEqual([...results[0]!.accepted, ...results[0]!.accepted].map(strip), results[2]!.accepted.map(strip));
    assert.deepEqual(
      results.map((r) => r.issues.map((issue) => issue.field)),
      [['event'], ['Event'], ['response[0].Event', 'response[1].Event']],
    );
    assert.deepEqual(
      results[0]!.accepted.map((o) => [o.type, o.value, o.line]),
      [['url', 'http://fake.website.com/malware/is/here', 3]],
    );
  });
});

describe('misp: composite and special types', () => {
  const attribute = (type: string, value: string, extra: Record<string, unknown> = {}) => ({ type, value, category: 'Network activity', uuid: `u-${type}`, ...extra });
  const event = (attributes: unknown[]) => JSON.stringify({ Event: { uuid: 'e1', info: 'test', date: '2024-05-01', Attribute: attributes } }, null, 1);

  it('split a|b values, one observation per stored part', () => {
    const { accepted, issues } = parse(
      event([
        attribute('ip-dst|port', '192.0.2.1|8080'),
        attribute('ip-src|port', '2001:db8::1|443'),
        attribute('domain|ip', 'Evil.Example.com|198.51.100.7'),
        attribute('filename|sha256', 'C:\\Users\\x\\drop.exe|E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855'),
        attribute('hostname|port', 'c2.example.net|4444'),
        attribute('malware-sample', 'sample.zip|d41d8cd98f00b204e9800998ecf8427e'),
        attribute('filename|imphash', 'a.dll|f34d5f2d4577ed6d9ceec516c1f5a744'),
        attribute('ip-dst', '203.0.113.0/24'),
        attribute('AS', '64500'),
        attribute('uri', '/gate.php'),
        attribute('uri', 'https://example.org/gate.php'),
        attribute('x509-fingerprint-sha1', 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01'),
        attribute('ja3-fingerprint-md5', '72a589da586844d7f0818ce684948eea'),
      ]),
    );
    assert.deepEqual(
      accepted.map((o) => [o.objectId, o.type, o.value]),
      [
        ['u-ip-dst|port', 'ip-port', '192.0.2.1:8080'],
        ['u-ip-src|port', 'ip-port', '[2001:db8::1]:443'],
        ['u-domain|ip', 'hostname', 'evil.example.com'],
        ['u-domain|ip', 'ipv4', '198.51.100.7'],
        ['u-filename|sha256', 'filename', 'drop.exe'],
        ['u-filename|sha256', 'sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
        ['u-hostname|port', 'hostname', 'c2.example.net'],
        ['u-malware-sample', 'filename', 'sample.zip'],
        ['u-malware-sample', 'md5', 'd41d8cd98f00b204e9800998ecf8427e'],
        ['u-filename|imphash', 'filename', 'a.dll'],
        ['u-ip-dst', 'cidr', '203.0.113.0/24'],
        ['u-AS', 'asn', 'AS64500'],
        ['u-uri', 'url', 'https://example.org/gate.php'],
        ['u-x509-fingerprint-sha1', 'x509-sha1', 'abcdef0123456789abcdef0123456789abcdef01'],
        ['u-ja3-fingerprint-md5', 'ja3', '72a589da586844d7f0818ce684948eea'],
      ],
    );
    assert.deepEqual(where(issues), [{ line: 2, field: 'Event', code: 'TIX_INPUT_SKIPPED', severity: 'warning' }]);
    assert.match(issues[0]!.message, /1 attribute\(s\) .*: uri \(a path, no scheme\) ×1 \(first Event\.Attribute\[9\]\)/);
  });

  it('report a composite value without its two parts, and a bad part, by JSON path and line', () => {
    const { accepted, issues } = parse(event([attribute('filename|md5', 'only-a-name.exe'), attribute('ip-dst|port', '999.1.1.1|80'), attribute('domain|ip', 'ok.example|not-an-ip')]));
    assert.deepEqual(where(issues), [
      { line: 7, field: 'Event.Attribute[0].value', code: 'TIX_INPUT_BAD_FIELD', severity: 'error' },
      { line: 13, field: 'Event.Attribute[1].value', code: 'TIX_INPUT_BAD_VALUE', severity: 'error' },
      { line: 19, field: 'Event.Attribute[2].value', code: 'TIX_INPUT_BAD_VALUE', severity: 'error' },
    ]);
    assert.match(issues[0]!.message, /a filename\|md5 value has two parts, "a\|b" \(got "only-a-name.exe"\)/);
    assert.deepEqual(accepted.map((o) => o.value), ['ok.example'], 'the good part of a half-bad pair is kept');
  });
});

describe('misp: dates, revocation, markings and threat types', () => {
  const doc = (event: Record<string, unknown>) => JSON.stringify({ Event: { uuid: 'e1', info: 'Event info', date: '2024-05-01', ...event } });

  it('take first_seen/last_seen, else the attribute timestamp, else the event date', () => {
    const { accepted } = parse(
      doc({
        timestamp: '1714608000',
        Attribute: [
          { type: 'domain', value: 'a.example', first_seen: '2024-03-01T10:00:00.123456+02:00', last_seen: '2024-04-01T00:00:00+00:00', timestamp: '1714000000' },
          { type: 'domain', value: 'b.example', first_seen: null, last_seen: null, timestamp: '1714000000' },
          { type: 'domain', value: 'c.example' },
        ],
        Object: [{ name: 'domain-ip', first_seen: '2023-01-01T00:00:00Z', Attribute: [{ type: 'domain', value: 'd.example', object_relation: 'domain' }] }],
      }),
    );
    assert.deepEqual(
      accepted.map((o) => [o.value, new Date(o.firstSeen).toISOString(), new Date(o.lastSeen).toISOString()]),
      [
        ['a.example', '2024-03-01T08:00:00.123Z', '2024-04-01T00:00:00.000Z'],
        ['b.example', '2024-04-24T23:06:40.000Z', '2024-04-24T23:06:40.000Z'],
        ['c.example', '2024-05-01T00:00:00.000Z', '2024-05-01T00:00:00.000Z'],
        ['d.example', '2023-01-01T00:00:00.000Z', '2023-01-01T00:00:00.000Z'],
      ],
    );
  });

  it('mark deleted attributes and attributes of deleted objects revoked', () => {
    const { accepted } = parse(
      doc({
        Attribute: [
          { type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e', deleted: true },
          { type: 'sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709', deleted: false },
        ],
        Object: [{ deleted: '1', Attribute: [{ type: 'url', value: 'http://x.example/' }] }],
      }),
    );
    assert.deepEqual(
      accepted.map((o) => [o.type, o.revoked]),
      [
        ['md5', true],
        ['sha1', undefined],
        ['url', true],
      ],
    );
  });

  it('read TLP from tags: the attribute over the event, the strictest of several, TLP 1.0 names', () => {
    const tag = (name: string) => ({ name });
    const { accepted } = parse(
      doc({
        Tag: [tag('tlp:green'), tag('tlp:amber'), tag('misp-galaxy:mitre-malware="BACKSPACE - S0031"'), tag('misp-galaxy:malpedia="Emotet"')],
        Attribute: [
          { type: 'domain', value: 'a.example' },
          { type: 'domain', value: 'b.example', Tag: [tag('tlp:white')] },
          { type: 'domain', value: 'c.example', Tag: [tag('TLP:AMBER+STRICT'), tag('tlp:ex:chr'), tag('misp-galaxy:mitre-malware="BACKSPACE - S0031"')] },
        ],
      }),
    );
    assert.deepEqual(
      accepted.map((o) => [o.value, o.tlp, o.malware]),
      [
        ['a.example', 'amber', 'Emotet'],
        ['b.example', 'clear', 'Emotet'],
        ['c.example', 'amber+strict', 'BACKSPACE'],
      ],
    );
    assert.ok(accepted[2]!.tags.includes('tlp:ex:chr'), 'a TLP tag tix cannot read stays a tag');
  });

  it('derive a threat type from the category, and C2 from a network value whose comment says so', () => {
    const { accepted } = parse(
      doc({
        Attribute: [
          { type: 'url', value: 'http://a.example/x.exe', category: 'Payload delivery' },
          { type: 'sha256', value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', category: 'Payload delivery' },
          { type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e', category: 'Artifacts dropped' },
          { type: 'ip-dst', value: '192.0.2.9', category: 'Network activity', comment: 'Cobalt Strike C2' },
          { type: 'ip-dst', value: '192.0.2.10', category: 'Network activity', comment: 'seen scanning' },
          { type: 'url', value: 'http://b.example/', category: 'External analysis', comment: 'reported C2' },
        ],
      }),
    );
    assert.deepEqual(
      accepted.map((o) => o.threatType),
      ['payload-delivery', 'malware', 'malware', 'c2', undefined, undefined],
    );
    assert.ok(accepted.every((o) => o.reference === 'Event info'), 'no link attribute: the event info is the reference');
  });
});

describe('misp: broken input', () => {
  it('reports malformed JSON with its line and column, and imports nothing', () => {
    const { accepted, issues } = parse('{"Event": {\n  "info": "x",\n  "Attribute": [\n    {"type": "domain", "value": "a.example"}\n    {"type": "domain", "value": "b.example"}\n  ]\n}}', { chunk: 7 });
    assert.equal(accepted.length, 0);
    assert.deepEqual(where(issues), [{ line: 5, field: undefined, code: 'TIX_JSON_SYNTAX', severity: 'error' }]);
    assert.equal(issues[0]!.message, "malformed JSON: expected ',' or ']' at line 5, column 5; nothing imported");
    assert.match(parse('{"Event": {"info": "cut short').issues[0]!.message, /unterminated string at line 1, column 20/);
  });

  it('reports unknown attribute types by JSON path and line, and goes on', () => {
    const text = '{"response": [{"Event": {"info": "x", "Attribute": [\n{"type": "domain", "value": "a.example"},\n{"type": "ip-dst-v9", "value": "1.2.3.4"},\n{"type": "domain", "value": "b.example"},\n{"value": "c.example"},\n{"type": "domain"}\n]}}]}';
    const { accepted, issues } = parse(text);
    assert.deepEqual(accepted.map((o) => [o.value, o.line]), [['a.example', 2], ['b.example', 4]]);
    assert.deepEqual(where(issues), [
      { line: 3, field: 'response[0].Event.Attribute[1].type', code: 'TIX_INPUT_SKIPPED', severity: 'warning' },
      { line: 5, field: 'response[0].Event.Attribute[3].type', code: 'TIX_INPUT_BAD_FIELD', severity: 'error' },
      { line: 6, field: 'response[0].Event.Attribute[4].value', code: 'TIX_INPUT_BAD_FIELD', severity: 'error' },
    ]);
    assert.equal(issues[0]!.message, 'unknown MISP attribute type "ip-dst-v9"; attribute skipped');
  });

  it('refuses documents that are not MISP events, saying which wrappers it reads', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['[{"Event": {}}]', '(root)', /the document is an array; expected \{"response":\[\{"Event":\{…\}\}\]\}, \{"Event":\{…\}\} or an event object/],
      ['{"type": "bundle", "objects": []}', '(root)', /not a MISP event/],
      ['{"response": {"Attribute": [{"type": "domain", "value": "a.example"}]}}', 'response', /attribute search result/],
      ['{"response": [{"Event": {"info": "ok"}}, {"Attribute": []}]}', 'response[1]', /not an \{"Event": …\} object/],
      ['{"Event": [1]}', 'Event', /not an event object/],
      ['{"Event": {"Attribute": {"type": "domain"}}}', 'Event.Attribute', /not a list/],
      ['"just a string"', '(root)', /the document is a string/],
    ];
    for (const [text, field, message] of cases) {
      const { accepted, issues } = parse(text);
      assert.equal(accepted.length, 0, text);
      assert.deepEqual(where(issues), [{ line: 1, field, code: 'TIX_INPUT_BAD_FIELD', severity: 'error' }], text);
      assert.match(issues[0]!.message, message, text);
    }
  });

  it('refuses a document over the size cap with one clear issue, without holding it', () => {
    const text = JSON.stringify({ Event: { info: 'x', Attribute: Array.from({ length: 200 }, (_, i) => ({ type: 'domain', value: `d${i}.example` })) } });
    assert.equal(parse(text, { maxChars: text.length }).accepted.length, 200);
    const { accepted, issues } = parse(text, { maxChars: text.length - 1, chunk: 100 });
    assert.equal(accepted.length, 0);
    assert.deepEqual(where(issues), [{ line: 0, field: undefined, code: 'TIX_INPUT_TOO_LARGE', severity: 'error' }]);
    assert.match(issues[0]!.message, /larger than \d+ characters: a MISP event is read whole/);
  });

  it('reads a document that starts with a byte order mark', () => {
    assert.deepEqual(parse('\uFEFF{"Event": {"Attribute": [{"type": "domain", "value": "a.example"}]}}').accepted.map((o) => o.value), ['a.example']);
  });

  it('says an empty document is empty', () => {
    assert.deepEqual(where(parse(' \n ').issues), [{ line: 0, field: undefined, code: 'TIX_INPUT_EMPTY', severity: 'warning' }]);
  });
});
