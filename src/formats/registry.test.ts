import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { fixture } from '../../test/helpers/parse-file.ts';
import { InputError } from '../errors.ts';
import { listExporters } from '../export/registry.ts';
import { detectFormat, getFormat, listFormats } from './registry.ts';

/** What each real fixture is; a fixture missing here fails the first test. */
const EXPECTED: Record<string, string> = {
  'abuse.ch/feodotracker-ipblocklist.csv': 'feodo',
  'abuse.ch/malwarebazaar-dump-sample.csv': 'malwarebazaar',
  'abuse.ch/threatfox-full_sha256.csv': 'threatfox',
  'abuse.ch/threatfox-full_urls.csv': 'threatfox',
  'cinsscore/ci-badguys-sample.txt': 'plain-list',
  'cisco-talos/2023_03_YoroTrooper.txt': 'plain-list',
  'cisco-talos/2025_04_new_XorDDoS_controller_and_infrastructure.txt': 'plain-list',
  'criticalpathsecurity/abuse-ch-ipblocklist.txt': 'plain-list',
  'criticalpathsecurity/binarydefense.txt': 'plain-list',
  'criticalpathsecurity/cobaltstrike_ips.txt': 'plain-list',
  'criticalpathsecurity/compromised-ips.txt': 'plain-list',
  'criticalpathsecurity/drb-ra-verified.txt': 'plain-list',
  'criticalpathsecurity/threatfox.txt': 'plain-list',
  'criticalpathsecurity/tor-exit.txt': 'plain-list',
  'ipsum/ipsum-level8-sample.txt': 'plain-list',
  'maltrail/malware-agenttesla.txt': 'maltrail',
  'maltrail/malware-emotet.txt': 'maltrail',
  'maltrail/mass_scanner_cidr.txt': 'maltrail',
  'phishtank/verified_online-4col.csv': 'phishtank',
  'viriback/viriback-c2-tracker-dump-sample.csv': 'viriback',
  'vxvault/vxvault-urllist-sample.txt': 'plain-list',
};

/** The first 64 KiB, as ingest reads them for detection. */
const head = (path: string): string => readFileSync(path).subarray(0, 65536).toString('utf8');

function thrown(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof InputError, `not an InputError: ${String(error)}`);
    return error;
  }
  assert.fail('nothing was thrown');
}

describe('format registry', () => {
  it('detects the right format for every real fixture', () => {
    const root = fixture('.');
    const files = (readdirSync(root, { recursive: true }) as string[])
      .map((name) => name.split('\\').join('/'))
      .filter((name) => statSync(`${root}/${name}`).isFile())
      .sort();
    assert.deepEqual(files, Object.keys(EXPECTED).sort(), 'every fixture has an expected format');
    for (const name of files) {
      assert.equal(detectFormat(head(fixture(name)), name).id, EXPECTED[name], name);
    }
  });

  it('detects formats from lines written for the test', () => {
    const rows: Array<[string, string]> = [
      ['https://login.example-bank.com.phish-example.net/\nhttp://203.0.113.15/wp-admin/\n', 'plain-list'],
      ['# blocklist\n198.51.100.1\n198.51.100.2 5\n', 'plain-list'],
      ['indicator,type,first_seen\nevil-example.com,domain,2024-01-01\n', 'csv'],
      ['The actor used evil-example.com and 198.51.100.1 in March; see the report for details.\n', 'freetext'],
      ['Family,URL,IP,FirstSeen\nPony,http://x.example.com/a.php,198.51.100.1,03-01-2026\n', 'viriback'],
    ];
    for (const [text, id] of rows) assert.equal(detectFormat(text, 'input.txt').id, id, text);
  });

  it('refuses to choose between formats that match equally well', () => {
    // two abuse.ch banners without either header: feodo and malwarebazaar both score 0.8
    const error = thrown(() => detectFormat('# Feodo Tracker, MalwareBazaar and friends\n', 'mixed.csv'));
    assert.equal(error.code, 'TIX_FORMAT_AMBIGUOUS');
    assert.match(error.message, /mixed\.csv: formats feodo and malwarebazaar match equally well; name one with --format/);
    assert.equal(error.file, 'mixed.csv');
  });

  it('reports input no format recognises', () => {
    const error = thrown(() => detectFormat('', 'empty.txt'));
    assert.equal(error.code, 'TIX_FORMAT_UNKNOWN');
    assert.match(error.message, /empty\.txt: no format recognises this input/);
  });

  it('refuses an unknown forced format id, naming the known ones', () => {
    const error = thrown(() => getFormat('stixx'));
    assert.equal(error.code, 'TIX_FORMAT_UNKNOWN');
    assert.match(error.message, /unknown format "stixx"; known formats: feodo, threatfox, .*freetext/);
    assert.equal(getFormat('maltrail').id, 'maltrail');
  });

  it('keeps each format in the folder named by its id, importers and exporters alike', () => {
    const ids = listFormats().map((format) => format.id);
    assert.deepEqual(ids, ['feodo', 'threatfox', 'malwarebazaar', 'phishtank', 'viriback', 'maltrail', 'stix', 'misp', 'csv', 'plain-list', 'freetext']);
    // a dataset file is a variant of its engine's format and lives beside it
    const folderOf = (id: string): string => (id === 'suricata-dataset' ? 'suricata' : id);
    const expected = new Set([...ids, ...listExporters().map((format) => folderOf(format.id))]);
    const folders = readdirSync(fileURLToPath(new URL('.', import.meta.url)), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'common')
      .map((entry) => entry.name)
      .sort();
    assert.deepEqual([...expected].sort(), folders);
  });

  it('scores every input between 0 and 1 without throwing', () => {
    const inputs = ['', '\n\n', '\u0000\u0001binary', '"unterminated,"quote\n', 'a,b,c\n'.repeat(1000), '#'.repeat(70000)];
    for (const format of listFormats()) {
      for (const text of inputs) {
        const score = format.detect(text, 'x');
        assert.ok(Number.isFinite(score) && score >= 0 && score <= 1, `${format.id}: ${score}`);
      }
    }
  });
});
