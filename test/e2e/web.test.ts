/**
 * The web UI in a real browser: Debian's chromium driven by playwright-core
 * against `tix serve --demo` on loopback with a temporary store. Screenshots
 * of each page are written to test-output/web/.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ROOT, tempDir, tix } from '../helpers/cli.ts';
import { basic, postIndicators, SHOTS, signInAs, startWebSuite, stopWebSuite } from '../helpers/web.ts';

const STRICT_VALUE = 'strict-c2.sentinel-vendor.example';
const AMBER_VALUE = 'amber-c2.sentinel-vendor.example';
const REVOKED_VALUE = 'revoke-me.sentinel-vendor.example';

describe('web UI in chromium against tix serve --demo', { timeout: 300_000 }, () => {
  const data = tempDir('tix-web-');
  let server: { child: ChildProcess; url: string };
  let browser: Browser;

  before(async () => {
    ({ server, browser } = await startWebSuite(data.path));
    // the vendor reports two values through the API, into its source api:Vendor Labs, shared under the operation:
    // the AMBER one reaches the operation's police, the AMBER+STRICT one never travels through an agreement
    for (const [value, tlp] of [
      [AMBER_VALUE, 'amber'],
      [STRICT_VALUE, 'amber+strict'],
      [REVOKED_VALUE, 'amber'],
    ] as const) {
      await postIndicators(server.url, 'vendor-analyst', { value, tlp, threatType: 'c2', malware: 'Pikabot' });
    }
    // the police saw the C2 in a victim's logs
    const sighting = await fetch(`${server.url}/api/v1/sightings`, {
      method: 'POST',
      headers: { authorization: basic('ip-analyst'), 'content-type': 'application/json' },
      body: JSON.stringify({ value: '192.9.135.73', origin: 'sensor', count: 12, location: 'victim-gw-01.lagos' }),
    });
    assert.equal(sighting.status, 201);
    const shared = tix(data.path, ['share', 'api:Vendor Labs', '--owner', 'Vendor Labs', '--agreement', 'Operation Sentinel']);
    assert.equal(shared.code, 0, shared.stderr);
  });

  after(async () => {
    await stopWebSuite(server, browser);
    data.remove();
  });

  const signIn = (user: string): Promise<{ context: BrowserContext; page: Page }> => signInAs(browser, server.url, user);

  async function search(page: Page, text: string): Promise<string[]> {
    await page.goto(`${server.url}/#/search`);
    await page.getByLabel(/^Search:/).fill(text);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.locator('#results').getByText(/on this page|Nothing you may read/).first().waitFor();
    return page.locator('#results td.value').allTextContents();
  }

  it('signs in with a session cookie (HttpOnly, SameSite=Strict) and shows the organisation and clearance in the header', async () => {
    const { context, page } = await signIn('ip-analyst');
    await assert.doesNotReject(page.getByTestId('org').filter({ hasText: 'International Police' }).waitFor());
    const clearance = await page.getByTestId('clearance').textContent();
    assert.match(clearance ?? '', /AMBER/);
    assert.match(clearance ?? '', /Operation Sentinel/);
    const cookies = await context.cookies();
    const session = cookies.find((cookie) => cookie.name === 'tix_session');
    assert.ok(session, 'the session cookie is set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie.includes('tix_session')), false, 'scripts cannot read the session cookie');
    await page.locator('svg.map path.country').first().waitFor();
    assert.ok((await page.locator('svg.map path.country').count()) > 150, 'the world map is drawn offline');
    const latest = page.getByRole('table', { name: 'The latest sightings you may read' });
    assert.match((await latest.textContent()) ?? '', /192\.9\.135\.73.*victim-gw-01\.lagos/);
    await page.screenshot({ path: join(SHOTS, 'overview.png'), fullPage: true });
    // a state-changing request with the cookie but without the CSRF header is refused
    const forged = await page.evaluate(async () => {
      const response = await fetch('/api/v1/indicators', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: 'forged.example' }) });
      return { status: response.status, body: (await response.json()) as { code?: string } };
    });
    assert.equal(forged.status, 403);
    assert.equal(forged.body.code, 'TIX_SESSION_CSRF');
    await context.close();
  });

  it('searches a known C2 IP and opens its page: every source on a timeline, the TLP badge, malware and threat type', async () => {
    const { context, page } = await signIn('ip-analyst');
    const values = await search(page, '192.9.135.73');
    assert.ok(values.includes('192.9.135.73'), `found ${values.join(', ')}`);
    await page.screenshot({ path: join(SHOTS, 'search.png'), fullPage: true });
    await page.locator('#results a', { hasText: /^192\.9\.135\.73$/ }).click();
    await page.getByRole('heading', { level: 1, name: /192\.9\.135\.73/ }).waitFor();
    assert.equal(await page.locator('h1 .tlp').textContent(), 'TLP:AMBER');
    const badge = await page.locator('h1 .tlp').evaluate((element) => {
      const style = (globalThis as unknown as { getComputedStyle(target: unknown): { color: string; backgroundColor: string } }).getComputedStyle(element);
      return { color: style.color, background: style.backgroundColor };
    });
    assert.deepEqual(badge, { color: 'rgb(255, 192, 0)', background: 'rgb(0, 0, 0)' }, 'AMBER in the FIRST colour on black');
    assert.ok((await page.locator('svg.timeline rect.span').count()) >= 1, 'each source is a bar on the timeline');
    const summary = await page.locator('dl.facts').textContent();
    assert.match(summary ?? '', /Pikabot/);
    assert.match(summary ?? '', /c2/);
    assert.match(summary ?? '', /Sightings1 \(seen 12 times/);
    assert.match((await page.getByRole('table', { name: /^Sightings you may read/ }).textContent()) ?? '', /International Police.*sensor.*victim-gw-01\.lagos/);
    assert.match(await page.locator('table').first().textContent() ?? '', /vendor-feodotracker-ipblocklist/);
    await page.screenshot({ path: join(SHOTS, 'indicator.png'), fullPage: true });
    // the export of the result downloads in the chosen format
    await page.goto(`${server.url}/#/search?q=192.9.135.73`);
    await page.locator('#export-link').waitFor();
    await page.locator('#export-format').selectOption('csv');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-link').click()]);
    const saved = join(SHOTS, 'export.csv');
    await download.saveAs(saved);
    assert.match(readFileSync(saved, 'utf8'), /192\.9\.135\.73/);
    await context.close();
  });

  it('finds every indicator of pasted defanged text', async () => {
    const { context, page } = await signIn('ip-analyst');
    const values = await search(page, 'Report: the loader came from hxxp://cz48006[.]tw1[.]ru/e8ce020e.php\nand beaconed to 192[.]9[.]135[.]73 every minute; panel at awelleh3[.]top.');
    assert.deepEqual(values.sort(), ['192.9.135.73', 'awelleh3.top', 'http://cz48006.tw1.ru/e8ce020e.php']);
    assert.match((await page.locator('#results [role=status]').first().textContent()) ?? '', /^3 indicators in all; 3 on this page/);
    await page.screenshot({ path: join(SHOTS, 'search-pasted.png'), fullPage: true });
    await context.close();
  });

  it('never shows another organisation an AMBER+STRICT item: not in search, not on its page, not in the counts', async () => {
    const police = await signIn('ip-analyst');
    assert.deepEqual(await search(police.page, STRICT_VALUE), []);
    assert.deepEqual(await search(police.page, AMBER_VALUE), [AMBER_VALUE], 'the AMBER item of the same source does reach the operation');
    await police.page.goto(`${server.url}/#/indicator/hostname/${STRICT_VALUE}`);
    await police.page.getByRole('alert').waitFor();
    assert.match((await police.page.getByRole('alert').textContent()) ?? '', /no hostname .* that you may read/);
    await police.page.goto(`${server.url}/#/overview`);
    await police.page.getByTestId('total').waitFor();
    const policeTlps = await police.page.locator('ul[aria-label="Indicators by TLP"] .bar-label').allTextContents();
    const policeTotal = Number((await police.page.getByTestId('total').textContent())!.replace(/,/g, ''));
    await police.context.close();

    const vendor = await signIn('vendor-analyst');
    assert.match((await vendor.page.getByTestId('clearance').textContent()) ?? '', /own data at every level/);
    assert.deepEqual(await search(vendor.page, STRICT_VALUE), [STRICT_VALUE], 'the owner sees it');
    await vendor.page.goto(`${server.url}/#/overview`);
    await vendor.page.getByTestId('total').waitFor();
    const vendorTlps = await vendor.page.locator('ul[aria-label="Indicators by TLP"] .bar-label').allTextContents();
    await vendor.context.close();

    assert.ok(vendorTlps.includes('amber+strict'), `the owner counts it: ${vendorTlps.join(', ')}`);
    assert.ok(!policeTlps.includes('amber+strict'), `the police count none: ${policeTlps.join(', ')}`);
    // the page's total is the API's count under the same clearance, which leaves the item out
    const count = await fetch(`${server.url}/api/v1/indicators/count?all=true`, { headers: { authorization: basic('ip-analyst') } });
    assert.equal(((await count.json()) as { count: number }).count, policeTotal);
  });

  it('lets an admin create an API key and shows it once', async () => {
    const { context, page } = await signIn('admin');
    await page.getByRole('link', { name: 'Sharing admin' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sharing admin' }).waitFor();
    await page.getByLabel('Role').first().selectOption('reader');
    await page.getByLabel('Label').fill('sensor-feed');
    await page.getByLabel('Organisation').first().selectOption('CERT Nigeria');
    await page.getByRole('button', { name: 'Create API key' }).click();
    const shown = page.getByTestId('new-key');
    await shown.waitFor();
    const token = (await shown.textContent()) ?? '';
    assert.match(token, /^tix_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    await page.screenshot({ path: join(SHOTS, 'admin.png'), fullPage: true });
    // the key works, as CERT Nigeria
    const me = await fetch(`${server.url}/api/v1/session`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { org: { name: string } }).org.name, 'CERT Nigeria');
    // and is never shown again: listed by its prefix only
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Sharing admin' }).waitFor();
    const text = (await page.locator('main').textContent()) ?? '';
    assert.ok(!text.includes(token), 'the secret is gone after a reload');
    assert.ok(text.includes(token.slice(4, 16)), 'the key is listed by its prefix');

    // a user added with an address is told of requests by e-mail where the server sends mail
    await page.locator('#user-name').fill('cert-ng-duty');
    await page.locator('#user-email').fill('duty@cert.example.ng');
    await page.locator('#user-org').selectOption('CERT Nigeria');
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('alert').filter({ hasText: 'User cert-ng-duty added' }).waitFor();
    assert.ok((await page.locator('main tr', { hasText: 'cert-ng-duty' }).filter({ hasText: 'duty@cert.example.ng' }).count()) === 1, 'the address is listed');

    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    assert.match((await page.getByRole('status').first().textContent()) ?? '', /Hash chain verified/);
    assert.ok((await page.locator('main td', { hasText: 'write:key' }).count()) >= 1, 'the key\'s creation is in the log');
    await page.screenshot({ path: join(SHOTS, 'audit.png'), fullPage: true });
    await page.getByRole('link', { name: 'Feeds' }).click();
    await page.getByRole('heading', { level: 1, name: 'Feeds and sources' }).waitFor();
    // the operator's admins see the scheduled feeds (none in the demo) beside the sources
    await page.getByRole('heading', { level: 2, name: 'Scheduled feeds' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Sources' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'feeds.png'), fullPage: true });
    await context.close();
  });

  it('is usable from the keyboard alone, and fits a laptop screen without sideways scrolling', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 700 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByLabel('User name').waitFor();
    // the user name field has focus: type, Tab to the password, Enter signs in
    await page.keyboard.type('ng-investigator');
    await page.keyboard.press('Tab');
    await page.keyboard.type('ng-investigator-demo-2026');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    // focus moves to the new page's heading once the page is drawn (a timeout fails the test)
    await page.waitForFunction(() => (globalThis as unknown as { document: { activeElement: { tagName: string } | null } }).document.activeElement?.tagName === 'H1', null, { timeout: 15_000 });
    assert.equal(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { tagName: string } | null } }).document.activeElement?.tagName), 'H1', 'focus moves to the new page\'s heading');
    for (const hash of ['#/overview', '#/search?q=192.9.135.73', '#/indicator/ipv4/192.9.135.73', '#/feeds']) {
      await page.goto(`${server.url}/${hash}`);
      await page.locator('main h1').waitFor();
      // the page's data has arrived: its tables or panels are drawn
      await page.locator('main table, main .panel').first().waitFor();
      const overflow = await page.evaluate(() => {
        const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      });
      assert.ok(overflow <= 0, `${hash} scrolls sideways by ${overflow} px at 1024 px`);
    }
    await page.screenshot({ path: join(SHOTS, 'feeds-laptop.png'), fullPage: true });
    // the search box, its filters and its button are reachable and labelled
    await page.goto(`${server.url}/#/search`);
    await page.getByLabel(/^Search:/).focus();
    await page.keyboard.type('192[.]9[.]135[.]73');
    await page.keyboard.press('Control+Enter');
    await page.locator('#results td.value').first().waitFor();
    assert.deepEqual((await page.locator('#results td.value').allTextContents()).sort(), ['192.9.135.73', '192.9.135.73:1194'], 'the IP, and the ip:port on it');
    await context.close();
  });

  it('lets the owner revoke its value from the indicator page; a partner sees no revoke button', async () => {
    const police = await signIn('ip-analyst');
    await police.page.goto(`${server.url}/#/indicator/hostname/${REVOKED_VALUE}`);
    await police.page.getByRole('heading', { level: 2, name: 'Sources' }).waitFor();
    assert.equal(await police.page.getByRole('button', { name: /^Revoke/ }).count(), 0);
    await police.context.close();

    const vendor = await signIn('vendor-analyst');
    vendor.page.on('dialog', (dialog) => void dialog.accept());
    await vendor.page.goto(`${server.url}/#/indicator/hostname/${REVOKED_VALUE}`);
    await vendor.page.getByRole('button', { name: 'Revoke in api:Vendor Labs' }).click();
    // the page reloads the value: revoked, by the POST the page made with the session's CSRF token
    await vendor.page.getByText(/^revoked \d{4}-\d{2}-\d{2}$/).waitFor();
    assert.match((await vendor.page.locator('dl.facts').textContent()) ?? '', /Statusrevoked/);
    await vendor.context.close();
    const after = await fetch(`${server.url}/api/v1/indicators?q=${REVOKED_VALUE}`, { headers: { authorization: basic('ip-analyst') } });
    assert.deepEqual(((await after.json()) as { items: unknown[] }).items, [], 'a revoked value leaves searches');
  });

  it('lets the operator\'s admin add a feed and pull it now, and shows the outcome', async () => {
    const feedFile = readFileSync(join(ROOT, 'test', 'fixtures', 'feeds', 'abuse.ch', 'feodotracker-ipblocklist.csv'));
    const feedServer = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/csv' });
      response.end(feedFile);
    });
    await new Promise<void>((resolve) => feedServer.listen(0, '127.0.0.1', resolve));
    const { port } = feedServer.address() as AddressInfo;
    try {
      const { context, page } = await signIn('admin');
      await page.getByRole('link', { name: 'Feeds' }).click();
      await page.getByRole('heading', { level: 2, name: 'Scheduled feeds' }).waitFor();
      await page.getByLabel('Name').fill('feodo-live');
      await page.getByLabel('URL').fill(`http://127.0.0.1:${port}/ipblocklist.csv`);
      await page.getByLabel('Format').fill('feodo');
      await page.getByRole('button', { name: 'Add feed' }).click();
      await page.getByText('Feed feodo-live added.').waitFor();
      await page.getByRole('button', { name: 'Pull feodo-live now' }).click();
      await page.getByText(/^Pulled feodo-live: ok: read \d+, accepted \d+/).waitFor({ timeout: 60_000 });
      const row = page.getByRole('table', { name: /feeds pulled by this server/ }).getByRole('row', { name: /feodo-live/ });
      assert.match((await row.textContent()) ?? '', /ok.*accepted [1-9]/);
      // its values landed as a source of their own
      assert.match((await page.getByRole('table', { name: /sources you may read/ }).textContent()) ?? '', /feodo-live/);
      await page.screenshot({ path: join(SHOTS, 'feeds-pulled.png'), fullPage: true });
      await context.close();
    } finally {
      feedServer.close();
    }
  });

  it('signs out: the session ends on the server, and the page asks to sign in again', async () => {
    const { context, page } = await signIn('cert-ng');
    const cookie = (await context.cookies()).find((entry) => entry.name === 'tix_session')!;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in to tix' }).waitFor();
    const after = await fetch(`${server.url}/api/v1/session`, { headers: { cookie: `tix_session=${cookie.value}` } });
    assert.equal(after.status, 401);
    await page.screenshot({ path: join(SHOTS, 'login.png') });
    await context.close();
  });
});
