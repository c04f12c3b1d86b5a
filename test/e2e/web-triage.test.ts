/**
 * Evidence triage in the web UI, in chromium against `tix serve --demo`:
 * a real Zeek log uploaded from the page, its hits as the intel the analyst
 * may read makes them (and not one from intel they may not read), the
 * chain of custody, the report downloaded.
 *
 * Expected hits, computed from the log without the scanner:
 *   awk -F'\t' -v ip=195.113.232.73 '!/^#/ && ($3==ip || $5==ip) {print NR}' test/fixtures/scan/logs/zeek-tsv/conn.log   # 10
 *   awk -F'\t' -v ip=65.55.252.71 '!/^#/ && ($3==ip || $5==ip) {print NR}' test/fixtures/scan/logs/zeek-tsv/conn.log     # 58
 * 147.32.80.9 is on 27 lines of it, but only as AMBER+STRICT intel of the vendor, which no agreement carries.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ROOT, tempDir, tix } from '../helpers/cli.ts';
import { basic, postIndicators, SHOTS, signInAs, startWebSuite, stopWebSuite } from '../helpers/web.ts';

const CONN = join(ROOT, 'test', 'fixtures', 'scan', 'logs', 'zeek-tsv', 'conn.log');
const ZEEK_JSON = join(ROOT, 'test', 'fixtures', 'scan', 'logs', 'zeek-json');

describe('evidence triage in chromium against tix serve --demo', { timeout: 300_000 }, () => {
  const data = tempDir('tix-web-triage-');
  let server: { child: ChildProcess; url: string };
  let browser: Browser;

  before(async () => {
    ({ server, browser } = await startWebSuite(data.path));
    // the vendor's intel on hosts of the capture, shared under the operation (the AMBER+STRICT one never travels)
    await postIndicators(server.url, 'vendor-analyst', [
      { value: '195.113.232.73', tlp: 'amber', threatType: 'c2', malware: 'Mozi' },
      { value: '65.55.252.71', tlp: 'clear', threatType: 'scanner' },
      { value: '147.32.80.9', tlp: 'amber+strict', threatType: 'c2', malware: 'Pikabot' },
    ]);
    const shared = tix(data.path, ['share', 'api:Vendor Labs', '--owner', 'Vendor Labs', '--agreement', 'Operation Sentinel']);
    assert.equal(shared.code, 0, shared.stderr);
  });

  after(async () => {
    await stopWebSuite(server, browser);
    data.remove();
  });

  it('uploads a Zeek log and shows the expected hits, the summary per file and the chain of custody; the report downloads', async () => {
    const { context, page } = await signInAs(browser, server.url, 'ip-analyst');
    await page.getByRole('link', { name: 'Evidence triage' }).click();
    await page.getByRole('heading', { level: 1, name: 'Evidence triage' }).waitFor();
    await page.getByLabel('Log files').setInputFiles(CONN);
    await page.getByRole('table', { name: /1 file chosen/ }).waitFor();
    await page.getByRole('button', { name: 'Scan', exact: true }).click();
    await page.getByText(/Scanned 1 of 1 file: 2 hits/).waitFor();
    const hits = page.getByRole('table', { name: /findings/ });
    const rows = await hits.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')));
    assert.deepEqual(
      rows.map((cells) => cells.slice(0, 7).join(' | ')),
      ['conn.log | 10 | id.resp_h | 195.113.232.73 | 195.113.232.73 | hit | TLP:AMBER', 'conn.log | 58 | id.resp_h | 65.55.252.71 | 65.55.252.71 | hit | TLP:CLEAR'],
    );
    assert.equal(rows[0]![7], 'Mozi');
    assert.equal(rows[0]![8], 'api:Vendor Labs');
    const text = (await page.locator('#triage-report').textContent()) ?? '';
    assert.ok(!text.includes('147.32.80.9') && !text.includes('Pikabot'), 'nothing the analyst may not read hits');
    const perFile = page.getByRole('table', { name: 'What each evidence file gave' });
    assert.match((await perFile.textContent()) ?? '', /conn\.logzeek-tsv/);
    const sha256 = createHash('sha256').update(readFileSync(CONN)).digest('hex');
    assert.match((await page.getByRole('table', { name: 'Each evidence file as the server received it' }).textContent()) ?? '', new RegExp(sha256));
    await page.screenshot({ path: join(SHOTS, 'triage.png'), fullPage: true });

    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download JSON' }).click()]);
    const report = JSON.parse(readFileSync((await json.path())!, 'utf8'));
    assert.equal(report.files[0].sha256, sha256);
    assert.equal(report.findings.length, 2);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    const lines = readFileSync((await csv.path())!, 'utf8').trim().split('\n');
    assert.ok(lines.some((line) => line.startsWith(`# ${sha256}`)), 'the CSV starts with the chain of custody');
    assert.ok(lines.some((line) => line.startsWith('conn.log,10,')), lines.join('\n'));
    await context.close();
  });

  it('scans a folder of logs, one upload per file, and records sightings when asked', async () => {
    const { context, page } = await signInAs(browser, server.url, 'ip-analyst');
    await page.goto(`${server.url}/#/triage`);
    await page.getByRole('heading', { level: 1, name: 'Evidence triage' }).waitFor();
    await page.getByLabel('A folder of logs').setInputFiles(ZEEK_JSON);
    await page.getByRole('table', { name: /3 files chosen/ }).waitFor();
    await page.getByLabel('Log files').setInputFiles(CONN);
    await page.getByRole('table', { name: /4 files chosen/ }).waitFor();
    await page.getByLabel(/Record hits as sightings of International Police/).check();
    // from the keyboard: the Scan button is reached and pressed without a pointer
    await page.getByRole('button', { name: 'Scan', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByText(/Scanned 4 of 4 files/).waitFor();
    const perFile = (await page.getByRole('table', { name: 'What each evidence file gave' }).textContent()) ?? '';
    for (const name of ['zeek-json/dns.log', 'zeek-json/files.log', 'zeek-json/http.log', 'conn.log']) assert.ok(perFile.includes(name), `${name} in ${perFile}`);
    const report = (await page.locator('#triage-report').textContent()) ?? '';
    // a sighting per indicator and file: 195.113.232.73 in all four, 65.55.252.71 in dns.log and conn.log
    assert.match(report, /6 sightings recorded/);
    assert.equal((report.match(/as International Police may read it/g) ?? []).length, 1, 'the files of one scan are matched against one intel');
    const sightings = await fetch(`${server.url}/api/v1/sightings?value=195.113.232.73&mine=true`, { headers: { authorization: basic('ip-analyst') } });
    const body = (await sightings.json()) as { items: Array<{ origin: string }> };
    assert.equal(body.items[0]?.origin, 'scanner');
    await context.close();
  });
});
