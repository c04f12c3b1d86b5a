import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FEEDS, tempDir, tix } from '../helpers/cli.ts';

describe('tix enrich, contacts, op and verify from the command line', () => {
  const dir = tempDir();
  const data = join(dir.path, 'data');
  before(() => {
    assert.equal(tix(data, ['ingest', join(FEEDS, 'abuse.ch', 'feodotracker-ipblocklist.csv')]).code, 0);
  });
  after(() => dir.remove());

  it('enriches the store and shows country and AS with the data source', () => {
    const run = tix(data, ['enrich']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /geo: ip-location-db geo-whois-asn-country .*built 2026-06-17/);
    const show = tix(data, ['show', '192.9.135.73']);
    assert.match(show.stdout, /country US \(ip-location-db geo-whois-asn-country/);
    assert.match(show.stdout, /AS31898 Oracle Corporation \(ip-location-db asn/);
    const search = tix(data, ['search', '192.9.135.73', '-o', 'jsonl']);
    const record = search.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((row) => row.value === '192.9.135.73');
    assert.deepEqual([record!.value, record!.country, record!.asn], ['192.9.135.73', 'US', 31898]);
    const table = tix(data, ['search', '192.9.135.73']).stdout;
    assert.match(table, /COUNTRY\s+AS\n/);
    assert.match(table, /\nipv4 +192\.9\.135\.73 .*US +AS31898 Oracle Corporation\n/);
  });

  it('imports contacts, reporting the broken row, and resolves an IP to the most specific one', () => {
    const csv = join(dir.path, 'contacts.csv');
    writeFileSync(csv, 'scope,value,role,name,email\ncountry,US,cert,US-CERT,report@us-cert.example\nasn,31898,abuse,Oracle abuse,abuse@oracle.example\ncidr,192.9.135.0/24,abuse,Oracle NOC,noc@oracle.example\ncountry,QQ,police,Nobody,x@example.org\n');
    const imported = tix(data, ['contacts', 'import', csv]);
    assert.equal(imported.code, 1);
    assert.match(imported.stderr, /contacts\.csv:5: value: not an ISO 3166-1 alpha-2 country code \(got "QQ"\)/);
    assert.match(imported.stdout, /imported 3 contacts, rejected 1 rows/);
    const resolved = tix(data, ['contacts', 'resolve', '192.9.135.73']);
    assert.equal(resolved.code, 0);
    assert.match(resolved.stdout, /abuse: Oracle NOC <noc@oracle\.example> \(by cidr 192\.9\.135\.0\/24\)/);
    assert.match(resolved.stdout, /cert: US-CERT/);
  });

  it('refuses unknown countries and a window ending before it starts, creating nothing', () => {
    const unknown = tix(data, ['op', 'create', 'surge', '--countries', 'US,XX', '--from', '2020-01-01', '--to', '2026-12-31']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /not ISO 3166-1 alpha-2 country codes: XX/);
    const backwards = tix(data, ['op', 'create', 'surge', '--countries', 'US', '--from', '2026-01-01', '--to', '2025-01-01']);
    assert.equal(backwards.code, 2);
    assert.match(backwards.stderr, /ends .* before it starts/);
    assert.equal(tix(data, ['op', 'list']).stdout, '');
  });

  it('packages an operation per country, and verify fails on a changed byte', () => {
    assert.equal(tix(data, ['op', 'create', 'surge', '--countries', 'US,NL,DE', '--from', '2020-01-01', '--to', '2026-12-31']).code, 0);
    assert.equal(tix(data, ['op', 'outcome', 'surge', '--kind', 'takedown', '--country', 'US', '--date', '2024-03-01', '--count', '12']).code, 0);
    const out = join(dir.path, 'packages');
    const built = tix(data, ['op', 'package', 'surge', '--out', out]);
    assert.equal(built.code, 0, built.stderr);
    assert.match(built.stdout, /3 packages in/);
    const us = join(out, readdirSync(out).find((name) => name.startsWith('surge_us_'))!);
    assert.match(readFileSync(join(us, 'c2.csv'), 'utf8'), /192\.9\.135\.73,.*,US,31898,Oracle Corporation,c2,malicious-code\/c2-server,Pikabot/);
    assert.match(readFileSync(join(us, 'report.html'), 'utf8'), /<svg[^>]*aria-label="World map"/);
    const ok = tix(data, ['verify', us, '--key', join(data, 'keys', 'package-signing.pub.pem')]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /OK, 7 files, operation surge, US, signed by key [0-9a-f]{16} \(trusted\)/);
    const summary = join(us, 'summary.json');
    writeFileSync(summary, readFileSync(summary, 'utf8').replace('"items": ', '"items":  '));
    const bad = tix(data, ['verify', us]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /summary\.json: changed/);
  });
});
