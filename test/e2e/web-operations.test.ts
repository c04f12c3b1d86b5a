/**
 * The operations page in chromium against `tix serve --demo`: an operation
 * made with `tix op`, its countries on the map, per-country counts and
 * outcomes, and a country's package downloaded from the page.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { tempDir, tix } from '../helpers/cli.ts';
import { basic, postIndicators, SHOTS, signInAs, startWebSuite, stopWebSuite } from '../helpers/web.ts';

describe('operations page in chromium against tix serve --demo', { timeout: 300_000 }, () => {
  const data = tempDir('tix-web-ops-');
  let server: { child: ChildProcess; url: string };
  let browser: Browser;

  before(async () => {
    ({ server, browser } = await startWebSuite(data.path));
    await postIndicators(server.url, 'vendor-analyst', [
      { value: '198.51.100.7', tlp: 'clear', threatType: 'c2', malware: 'Pikabot', tags: ['sentinel:NG'] },
      { value: '198.51.100.9', tlp: 'clear', threatType: 'c2', malware: 'Pikabot', tags: ['sentinel:NG'] },
      { value: 'phish.sentinel.example', tlp: 'clear', threatType: 'phishing', tags: ['sentinel:GH'] },
    ]);
    for (const args of [
      ['op', 'create', 'sentinel', '--countries', 'NG,GH', '--from', '2026-01-01', '--to', '2030-12-31', '--agreement', 'Operation Sentinel', '--partner', 'Nigeria Police Cybercrime'],
      ['op', 'outcome', 'sentinel', '--kind', 'takedown', '--country', 'NG', '--date', '2026-06-02', '--count', '3', '--note', 'C2 servers seized'],
    ]) {
      const run = tix(data.path, args);
      assert.equal(run.code, 0, run.stderr);
    }
  });

  after(async () => {
    await stopWebSuite(server, browser);
    data.remove();
  });

  it('shows the operation\'s countries on the map, counts and outcomes, and downloads a country\'s package', async () => {
    const { context, page } = await signInAs(browser, server.url, 'ip-analyst');
    await page.getByRole('link', { name: 'Operations' }).click();
    await page.getByRole('heading', { level: 2, name: 'Operation sentinel' }).waitFor();
    assert.equal(await page.locator('svg.map path.country.step-5').count(), 1, 'Nigeria, with the most, in the darkest shade');
    const perCountry = page.getByRole('table', { name: /Per country/ });
    const rows = await perCountry.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 3).map((td) => td.textContent?.trim() ?? '').join(' | ')));
    assert.deepEqual(rows, ['Ghana (GH) | 1 | ', 'Nigeria (NG) | 2 | takedown × 3']);
    assert.match((await page.getByRole('table', { name: 'Outcomes' }).textContent()) ?? '', /2026-06-02.*Nigeria.*takedown.*C2 servers seized/);
    await page.screenshot({ path: join(SHOTS, 'operations.png'), fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the NG package' }).click()]);
    assert.match(download.suggestedFilename(), /^sentinel_ng_international-police_.*\.tar$/);
    const listing = execFileSync('tar', ['-tf', (await download.path())!]).toString();
    for (const file of ['manifest.json', 'manifest.sig', 'bundle.stix.json', 'report.html', 'summary.json']) assert.match(listing, new RegExp(`/${file.replace('.', '\\.')}\\n`));
    await context.close();
  });

  it('shows where an enriched value is, as the API says, with the data it comes from', async () => {
    const enriched = tix(data.path, ['enrich']);
    assert.equal(enriched.code, 0, enriched.stderr);
    const detail = (await (await fetch(`${server.url}/api/v1/indicators/ipv4/192.9.135.73`, { headers: { authorization: basic('ip-analyst') } })).json()) as {
      location?: { country?: string; asn?: number; data: Array<{ name: string }> };
    };
    assert.ok(detail.location?.country, 'the demo C2 address is located by tix enrich');
    const { context, page } = await signInAs(browser, server.url, 'ip-analyst');
    await page.goto(`${server.url}/#/indicator/ipv4/192.9.135.73`);
    const cell = page.locator('main dt:text-is("Country / ASN") + dd');
    await cell.waitFor();
    const text = (await cell.textContent()) ?? '';
    assert.ok(text.startsWith(detail.location!.country!), text);
    if (detail.location!.asn !== undefined) assert.match(text, new RegExp(`AS${detail.location!.asn}\\b`));
    assert.match(text, new RegExp(detail.location!.data[0]!.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await context.close();
  });

  it('maps where the values each organisation may read are hosted, counting nothing it may not read', async () => {
    const countsOf = async (user: string): Promise<Map<string, number>> => {
      const reply = (await (await fetch(`${server.url}/api/v1/overview/countries`, { headers: { authorization: basic(user) } })).json()) as { items: Array<{ country: string; indicators: number }> };
      return new Map(reply.items.map((item) => [item.country, item.indicators]));
    };
    // the ISP reads only TLP:CLEAR and GREEN (it owns no source and is in no agreement): counted here straight from the store
    const db = new Database(join(data.path, 'tix.db'), { readonly: true });
    const expected = db
      .prepare(
        `SELECT country, count(*) AS n FROM indicator_locations l WHERE country IS NOT NULL
           AND EXISTS (SELECT 1 FROM observations o WHERE o.indicator_id = l.indicator_id AND o.tlp IN ('clear', 'green')) GROUP BY country`,
      )
      .all() as Array<{ country: string; n: number }>;
    db.close();
    const isp = await countsOf('isp-noc');
    assert.ok(expected.length > 0, 'the demo feeds hold located values');
    assert.deepEqual(isp, new Map(expected.map((row) => [row.country, row.n])));
    const police = await countsOf('ip-analyst');
    const located = (await (await fetch(`${server.url}/api/v1/indicators/ipv4/192.9.135.73`, { headers: { authorization: basic('ip-analyst') } })).json()) as { location: { country: string } };
    assert.ok((police.get(located.location.country) ?? 0) > (isp.get(located.location.country) ?? 0), 'the AMBER C2 counts for the police, not for the ISP');
    const { context, page } = await signInAs(browser, server.url, 'isp-noc');
    await page.getByRole('table', { name: 'Countries hosting the most values you may read' }).waitFor();
    const shaded = await page.locator('svg.map path.country:not(.step-0)').count();
    assert.ok(shaded > 0 && shaded <= isp.size, `${shaded} countries shaded for ${isp.size} with values`);
    await page.screenshot({ path: join(SHOTS, 'overview-countries.png'), fullPage: true });
    await context.close();
  });
});
