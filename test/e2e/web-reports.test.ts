/**
 * Reports, investigations, requests for information and outcomes in the web
 * UI, in a real browser against `tix serve --demo`: a vendor's report with
 * hostile Markdown renders as text; a police unit opens a case and asks the
 * vendor about two IPs; the vendor answers from its queue with the report;
 * the police read the answer; an organisation outside the case sees none of
 * it. Screenshots of each page go to test-output/web/.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { tempDir } from '../helpers/cli.ts';
import { basic, SHOTS, signInAs, startWebSuite, stopWebSuite } from '../helpers/web.ts';

const TITLE = 'Pikabot loader wave, November';
const CASE = 'IP-CYB-2026-117';
const SUBJECT = 'Two C2 IPs seen by a victim';
const IPS = ['192.9.135.73', '198.51.100.77'];
const BODY = [
  '# Findings',
  '',
  'The *loader* beacons every minute to `192.9.135.73`; see **both** servers below.',
  '',
  '<script>alert(1)</script>',
  '',
  '<img src=x onerror=alert(2)>',
  '',
  '[click me](javascript:alert(3)) or [me too](JaVaScRiPt&colon;alert(4)) and read [the write-up](https://example.org/pikabot).',
  '',
  '```',
  '<b>config</b> stays code',
  '```',
  '',
  '- first wave',
  '- second wave',
  '',
  '> quoted from the panel',
].join('\n');

describe('reports, investigations and requests in the web UI', { timeout: 300_000 }, () => {
  const data = tempDir('tix-web-reports-');
  let server: { child: ChildProcess; url: string };
  let browser: Browser;
  let reportId = 0;
  let caseId = 0;
  let rfiId = 0;
  const signIn = (user: string): Promise<{ context: BrowserContext; page: Page }> => signInAs(browser, server.url, user);
  const apiAs = async (user: string, path: string, body?: unknown): Promise<{ status: number; json: any }> => {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: basic(user), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: await response.json() };
  };
  /** The header's badge once it shows `expected` (it is filled in after the page is drawn), or what it shows after a wait. */
  const badge = async (page: Page, expected: string): Promise<string> => {
    const element = page.getByTestId('requests-badge');
    let shown = '';
    for (let i = 0; i < 50; i++) {
      const ready = await element.evaluate((node) => node.className === 'badge');
      shown = ready ? ((await element.isVisible()) ? (/\d+/.exec((await element.textContent()) ?? '')?.[0] ?? '') : 'hidden') : 'pending';
      if (shown === expected) return shown;
      await page.waitForTimeout(200);
    }
    return shown;
  };

  before(async () => {
    ({ server, browser } = await startWebSuite(data.path));
  });

  after(async () => {
    await stopWebSuite(server, browser);
    data.remove();
  });

  it('lets a vendor analyst write a report whose hostile Markdown renders as text, with the javascript: links neutralised', async () => {
    const { context, page } = await signIn('vendor-analyst');
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.getByRole('link', { name: 'Reports', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Research reports' }).waitFor();
    await page.getByRole('link', { name: 'Write a report' }).click();
    await page.getByRole('heading', { level: 1, name: 'Write a report' }).waitFor();
    await page.getByLabel('Title').fill(TITLE);
    await page.getByLabel('Summary').fill('A new wave of Pikabot, its two C2 servers and how to find them.');
    await page.getByLabel('Body (Markdown)').fill(BODY);
    await page.getByLabel('TLP', { exact: true }).selectOption('amber');
    await page.getByLabel('PAP', { exact: true }).selectOption('green');
    await page.getByLabel(/^Operation Sentinel/).check();
    await page.getByLabel('Indicators (pasted text)').fill(`C2: ${IPS[0]!.replace(/\./g, '[.]')} and ${IPS[1]}`);
    await page.getByLabel('Malware').fill('Pikabot');
    await page.getByLabel('Threat actors').fill('TA577');
    await page.getByLabel('Attachments').setInputFiles({ name: 'panel.html', mimeType: 'text/html', buffer: Buffer.from('<script>alert(5)</script>') });
    await page.screenshot({ path: join(SHOTS, 'report-new.png'), fullPage: true });
    await page.getByRole('button', { name: 'Publish report' }).click();
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    reportId = Number(/#\/reports\/(\d+)/.exec(page.url())![1]);
    assert.ok(reportId > 0);

    // the body is text: no script or image element, no javascript: target, and nothing ran
    const dom = await page.evaluate(() => {
      // the page's own document (the test's TypeScript knows no DOM)
      const doc = (globalThis as any).document;
      const markdown = doc.querySelector('.markdown')!;
      return {
        scripts: doc.querySelectorAll('main script, .markdown script').length,
        images: markdown.querySelectorAll('img').length,
        javascript: [...doc.querySelectorAll('[href]')].map((element) => element.getAttribute('href') ?? '').filter((href) => /^\s*javascript/i.test(href) || href.toLowerCase().includes('alert')),
        handlers: [...markdown.querySelectorAll('*')].flatMap((element) => [...element.attributes].map((attribute) => attribute.name)).filter((name) => name.startsWith('on')),
        text: markdown.textContent ?? '',
        links: [...markdown.querySelectorAll('a')].map((a) => [a.textContent, a.getAttribute('href')]),
        code: markdown.querySelector('pre code')?.textContent,
        heading: markdown.querySelector('h3')?.textContent,
      };
    });
    assert.equal(dom.scripts, 0);
    assert.equal(dom.images, 0);
    assert.deepEqual(dom.javascript, []);
    assert.deepEqual(dom.handlers, []);
    assert.match(dom.text, /<script>alert\(1\)<\/script>/, 'the script tag shows as text');
    assert.match(dom.text, /<img src=x onerror=alert\(2\)>/);
    assert.deepEqual(dom.links, [['the write-up', 'https://example.org/pikabot']], 'only the https link is a link');
    assert.match(dom.text, /click me or me too and read the write-up/);
    assert.equal(dom.code, '<b>config</b> stays code');
    assert.equal(dom.heading, 'Findings');
    assert.ok(await page.locator('.markdown em', { hasText: 'loader' }).count());
    assert.ok(await page.locator('.markdown blockquote', { hasText: 'quoted from the panel' }).count());
    assert.deepEqual(dialogs, [], 'no dialog fired');

    // its links: the values (to their pages), malware, actors, the attachment as a download
    for (const ip of IPS) assert.equal(await page.locator(`a[href="#/indicator/ipv4/${ip}"]`).count(), 1, ip);
    assert.match((await page.locator('dl.facts').textContent()) ?? '', /PAP:GREEN.*Malware.*Pikabot.*Threat actors.*TA577/s);
    const attachment = page.getByRole('link', { name: 'panel.html' });
    assert.equal(await attachment.getAttribute('download'), 'panel.html');
    assert.match((await attachment.getAttribute('href')) ?? '', new RegExp(`^/api/v1/reports/${reportId}/attachments/[0-9a-f]{64}$`));
    assert.equal(await page.locator('h1 .tlp').textContent(), 'TLP:AMBER');
    await page.screenshot({ path: join(SHOTS, 'report.png'), fullPage: true });

    // an edit is a new version, and the page shows what changed; the attachment is kept
    await page.getByRole('link', { name: 'Edit (new version)' }).click();
    await page.getByRole('heading', { level: 1, name: `Edit: ${TITLE}` }).waitFor();
    // the form starts from the body as stored (made harmless when it was written)
    const stored = await page.getByLabel('Body (Markdown)').inputValue();
    assert.match(stored, /^# Findings/);
    await page.getByLabel('Body (Markdown)').fill(`${stored}\n\nUpdate: a third server went live.`);
    await page.screenshot({ path: join(SHOTS, 'report-edit.png'), fullPage: true });
    await page.getByRole('button', { name: 'Publish new version' }).click();
    await page.getByRole('heading', { level: 2, name: 'Changes from v1 to v2' }).waitFor();
    assert.match((await page.locator('pre.diff .diff-added').allTextContents()).join(''), /Update: a third server went live/);
    assert.equal(await page.getByRole('link', { name: 'panel.html' }).count(), 1, 'the attachment is kept');
    // written again, the harmless body stays the same text: nothing escaped twice
    const again = (await page.locator('.markdown').textContent()) ?? '';
    assert.match(again, /<script>alert\(1\)<\/script>/);
    assert.doesNotMatch(again, /\\</);
    for (const ip of IPS) assert.equal(await page.locator(`a[href="#/indicator/ipv4/${ip}"]`).count(), 1, `${ip} still linked`);
    assert.deepEqual(dialogs, []);
    await page.getByRole('link', { name: 'v1', exact: true }).click();
    await page.locator('.versions strong', { hasText: 'v1' }).waitFor();
    assert.match((await page.locator('.versions').textContent()) ?? '', /current: v2/);

    await page.goto(`${server.url}/#/reports`);
    const row = page.getByRole('row', { name: new RegExp(TITLE) });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /Vendor Labs.*\d{4}-\d{2}-\d{2}.*TLP:AMBER.*PAP:GREEN/);
    await page.screenshot({ path: join(SHOTS, 'reports.png'), fullPage: true });
    await context.close();
  });

  it('lets a police analyst open a case, attach a finding and ask the vendor about two IPs', async () => {
    const { context, page } = await signIn('ip-analyst');
    await page.getByRole('link', { name: 'Investigations' }).click();
    await page.getByRole('heading', { level: 1, name: 'Investigations' }).waitFor();
    await page.getByLabel('Case number').fill(CASE);
    await page.getByLabel('Title').fill('Pikabot operators in Lagos');
    await page.getByLabel('Countries').fill('ng, gh');
    await page.getByLabel('Lead officer').fill('Insp. Okafor');
    await page.getByLabel('Vendor Labs').check();
    await page.screenshot({ path: join(SHOTS, 'investigations.png'), fullPage: true });
    await page.getByRole('button', { name: 'Open investigation' }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(CASE) }).waitFor();
    caseId = Number(/#\/investigations\/(\d+)/.exec(page.url())![1]);
    assert.match((await page.locator('dl.facts').textContent()) ?? '', /NG, GH.*Insp\. Okafor/s);
    assert.match((await page.getByRole('list', { name: 'Member organisations' }).textContent()) ?? '', /Vendor Labs.*International Police/s);

    // a finding is JSON shown as text
    await page.getByLabel('Add', { exact: true }).selectOption('finding');
    await page.getByLabel('Value, or the finding as JSON').fill(JSON.stringify({ hits: [{ value: IPS[0], file: 'conn.log', line: 3 }], host: '<img src=x onerror=alert(1)>' }));
    await page.getByRole('button', { name: 'Add to the case' }).click();
    const finding = page.locator('pre.json');
    await finding.waitFor();
    assert.match((await finding.textContent()) ?? '', /"host": "<img src=x onerror=alert\(1\)>"/);
    assert.equal(await page.locator('main img').count(), 0);
    await page.getByLabel('Add', { exact: true }).selectOption('indicator');
    await page.getByLabel('Value, or the finding as JSON').fill(IPS[1]!);
    await page.getByRole('button', { name: 'Add to the case' }).click();
    await page.locator(`main a[href="#/indicator/ipv4/${IPS[1]}"]`).waitFor();

    // a report written in the case is the case's: attached to it, read by its members alone
    await page.getByRole('link', { name: 'Write a report in this investigation' }).click();
    await page.getByText(`Written in investigation ${caseId}: read by its members alone.`).waitFor();
    await page.getByLabel('Title').fill('Victim triage, Lagos');
    await page.getByLabel('Body (Markdown)').fill('Seen at the *victim* gateway.');
    await page.getByLabel('TLP', { exact: true }).selectOption('red');
    await page.getByRole('button', { name: 'Publish report' }).click();
    await page.getByRole('heading', { level: 1, name: 'Victim triage, Lagos' }).waitFor();
    assert.match((await page.locator('dl.facts').textContent()) ?? '', /Investigationopen the case \(read by its members alone\)/);
    await page.getByRole('link', { name: 'open the case' }).click();
    await page.getByRole('table', { name: 'Reports attached to the case' }).getByRole('link', { name: 'Victim triage, Lagos' }).waitFor();

    await page.getByLabel('Ask', { exact: true }).selectOption({ label: 'Vendor Labs' });
    await page.getByLabel('Subject').fill(SUBJECT);
    await page.getByLabel('Priority').selectOption('high');
    await page.getByLabel('Due').fill(new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10));
    await page.getByLabel('Question').fill('What do you know about these two servers? Who rents them?');
    await page.getByLabel('Values asked about').fill(IPS.join('\n'));
    await page.screenshot({ path: join(SHOTS, 'investigation.png'), fullPage: true });
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByRole('heading', { level: 1, name: `Request #1: ${SUBJECT}` }).waitFor();
    rfiId = Number(/#\/requests\/(\d+)/.exec(page.url())![1]);
    assert.equal(await page.getByTestId('rfi-status').textContent(), 'open');
    for (const ip of IPS) assert.ok(await page.locator('dd ul.values a', { hasText: ip }).count(), ip);
    await context.close();

    // a second, urgent request falls due at once: the vendor's queue flags it
    const urgent = await apiAs('ip-analyst', `/investigations/${caseId}/rfis`, { to: 'Vendor Labs', subject: 'Wallet behind the panel', question: 'Whose wallet is this?', values: [{ value: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh' }], priority: 'urgent', dueAt: new Date(Date.now() + 1500).toISOString() });
    assert.equal(urgent.status, 201, JSON.stringify(urgent.json));
    await new Promise((resolve) => setTimeout(resolve, 2000));
  });

  it('shows the vendor the requests in its queue, most urgent first, overdue flagged, with the header badge; it answers with the report', async () => {
    const { context, page } = await signIn('vendor-analyst');
    assert.equal(await badge(page, '2'), '2', 'two open requests asked of the vendor');
    await page.getByRole('link', { name: /^Requests/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Requests for information' }).waitFor();
    const queue = page.getByRole('table', { name: /^Open requests waiting for your answer/ });
    const rows = await queue.locator('tbody tr').allTextContents();
    assert.equal(rows.length, 2);
    assert.match(rows[0]!, /Wallet behind the panel.*urgent.*OVERDUE/, 'the urgent, overdue one first');
    assert.match(rows[1]!, new RegExp(`${SUBJECT}.*${CASE}.*International Police.*high`));
    assert.doesNotMatch(rows[1]!, /OVERDUE/);
    assert.match((await page.getByRole('alert').textContent()) ?? '', /1 request is overdue/);
    await page.screenshot({ path: join(SHOTS, 'requests.png'), fullPage: true });

    await queue.getByRole('link', { name: new RegExp(SUBJECT) }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(SUBJECT) }).waitFor();
    assert.match((await page.getByRole('list', { name: 'Messages, oldest first' }).textContent()) ?? '', /International Police asked.*Who rents them\?/s);
    await page.getByLabel('Your answer').fill('Both are Pikabot C2 servers of the November wave; see the report.');
    await page.getByLabel(new RegExp(`#${reportId} ${TITLE}`)).check();
    await page.getByRole('button', { name: 'Send answer' }).click();
    await page.getByTestId('rfi-status').filter({ hasText: 'answered' }).waitFor();
    const thread = page.getByRole('list', { name: 'Messages, oldest first' });
    assert.match((await thread.textContent()) ?? '', /Vendor Labs answered.*Both are Pikabot C2 servers/s);
    assert.equal(await thread.locator(`a[href="#/reports/${reportId}"]`).count(), 1);
    assert.equal(await badge(page, '1'), '1', 'the urgent request is still open');
    await page.screenshot({ path: join(SHOTS, 'request.png'), fullPage: true });
    await context.close();
  });

  it('shows the police the answer in the thread and in the header badge, and the report it links', async () => {
    const { context, page } = await signIn('ip-analyst');
    assert.equal(await badge(page, '1'), '1', 'one request answered since the police last looked');
    await page.getByRole('link', { name: /^Requests/ }).click();
    const asked = page.getByRole('table', { name: 'Requests your organisation asked' });
    await asked.waitFor();
    assert.match((await asked.getByRole('row', { name: new RegExp(SUBJECT) }).textContent()) ?? '', /answered · new reply/);
    // looking at the page clears the badge
    assert.equal(await badge(page, 'hidden'), 'hidden');
    await asked.getByRole('link', { name: new RegExp(SUBJECT) }).click();
    const thread = page.getByRole('list', { name: 'Messages, oldest first' });
    await thread.waitFor();
    assert.match((await thread.textContent()) ?? '', /Vendor Labs answered.*Both are Pikabot C2 servers.*Reports: report \d+/s);
    assert.equal(await page.getByRole('button', { name: 'Close the request' }).count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Send answer' }).count(), 0, 'the asker does not answer');
    await page.getByLabel('Your comment').fill('Thank you: the servers were seized this morning.');
    await page.getByRole('button', { name: 'Add comment' }).click();
    await thread.getByText('Thank you: the servers were seized this morning.').waitFor();
    await page.getByRole('button', { name: 'Close the request' }).click();
    await page.getByTestId('rfi-status').filter({ hasText: 'closed' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Reopen the request' }).count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Add comment' }).count(), 0, 'a closed request takes no comment');
    await thread.getByRole('link', { name: `report ${reportId}` }).click();
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await page.goto(`${server.url}/#/investigations/${caseId}`);
    await page.getByRole('table', { name: 'Requests of this investigation' }).waitFor();
    assert.match((await page.getByRole('table', { name: 'Requests of this investigation' }).textContent()) ?? '', new RegExp(`${SUBJECT}.*closed`));
    await context.close();
  });

  it('shows an organisation outside the case neither the case, nor the requests, nor the AMBER report of an agreement it is not in', async () => {
    const { context, page } = await signIn('isp-noc');
    assert.equal(await badge(page, 'hidden'), 'hidden');
    await page.getByRole('link', { name: 'Investigations' }).click();
    await page.getByText('Your organisation is a member of no investigation.').waitFor();
    assert.ok(!((await page.locator('main').textContent()) ?? '').includes(CASE));
    await page.goto(`${server.url}/#/investigations/${caseId}`);
    assert.match((await page.getByRole('alert').textContent()) ?? '', /no investigation .* that your organisation is a member of/);
    await page.goto(`${server.url}/#/investigations/${encodeURIComponent(CASE)}`);
    await page.getByRole('alert').waitFor();
    await page.goto(`${server.url}/#/requests`);
    await page.getByText('No open request is waiting for your answer.').waitFor();
    assert.ok(!((await page.locator('main').textContent()) ?? '').includes(SUBJECT));
    await page.goto(`${server.url}/#/requests/${rfiId}`);
    assert.match((await page.getByRole('alert').textContent()) ?? '', /no request \d+ that you may read/);
    await page.goto(`${server.url}/#/reports`);
    await page.getByRole('heading', { level: 2, name: 'Reports you may read' }).waitFor();
    assert.ok(!((await page.locator('main').textContent()) ?? '').includes(TITLE));
    await page.goto(`${server.url}/#/reports/${reportId}`);
    assert.match((await page.getByRole('alert').textContent()) ?? '', /no report \d+ that you may read/);
    await page.screenshot({ path: join(SHOTS, 'reports-outsider.png'), fullPage: true });
    await context.close();
    // the same through the API the pages call
    assert.deepEqual((await apiAs('isp-noc', '/investigations')).json.items, []);
    assert.deepEqual((await apiAs('isp-noc', '/rfis')).json.items, []);
    assert.deepEqual((await apiAs('isp-noc', '/reports')).json.items.filter((report: { title: string }) => report.title === TITLE || report.title === 'Victim triage, Lagos'), []);
  });

  it('lets the police record an outcome on the vendor\'s value, which the vendor sees as feedback', async () => {
    const police = await signIn('ip-analyst');
    await police.page.goto(`${server.url}/#/indicator/ipv4/${IPS[0]}`);
    await police.page.getByRole('heading', { level: 2, name: 'Record an outcome' }).waitFor();
    await police.page.getByLabel('Outcome', { exact: true }).selectOption('takedown');
    await police.page.getByLabel('Country').fill('ng');
    await police.page.getByLabel('Note').fill('Server seized by the hosting provider.');
    await police.page.getByRole('button', { name: 'Record outcome' }).click();
    await police.page.getByText('Outcome recorded: server taken down.').waitFor();
    // and on the report
    await police.page.goto(`${server.url}/#/reports/${reportId}`);
    await police.page.getByRole('heading', { level: 2, name: 'Record an outcome' }).waitFor();
    await police.page.getByLabel('Outcome', { exact: true }).selectOption('confirmed');
    await police.page.getByLabel('Note').fill('Both servers confirmed by the provider.');
    await police.page.getByRole('button', { name: 'Record outcome' }).click();
    await police.page.getByText('Outcome recorded: confirmed malicious.').waitFor();
    await police.context.close();

    const vendor = await signIn('vendor-analyst');
    await vendor.page.goto(`${server.url}/#/indicator/ipv4/${IPS[0]}`);
    const outcomes = vendor.page.getByRole('table', { name: 'What came of it, as those who used it told' });
    await outcomes.waitFor();
    assert.match((await outcomes.textContent()) ?? '', /takedown.*\d{4}-\d{2}-\d{2}.*International Police.*Country: NG\. Server seized/);
    await vendor.page.getByRole('table', { name: /^Confidence: as each source reported it/ }).waitFor();
    assert.equal(await vendor.page.getByRole('table', { name: 'Research reports you may read that link this value' }).getByRole('link', { name: TITLE }).count(), 1);
    await vendor.page.screenshot({ path: join(SHOTS, 'indicator-feedback.png'), fullPage: true });
    await vendor.page.goto(`${server.url}/#/reports/${reportId}`);
    const onReport = vendor.page.getByRole('table', { name: 'What came of it, as those who used it told' });
    await onReport.waitFor();
    assert.match((await onReport.textContent()) ?? '', /confirmed.*International Police.*Both servers confirmed/);
    assert.equal(await vendor.page.getByRole('heading', { name: 'Record an outcome' }).count(), 0, 'the owner is told, it does not record on its own report');
    await vendor.context.close();
  });

  it('works from the keyboard (the requests link and its badge are reached by Tab and named for screen readers) and on a laptop screen; a declined request leaves the queue', async () => {
    const { context, page } = await signIn('vendor-analyst');
    await badge(page, '1');
    let name = '';
    // from the page's heading (where focus lands) back into the header's navigation
    for (let i = 0; i < 12 && !name.startsWith('Requests'); i++) {
      await page.keyboard.press('Shift+Tab');
      name = await page.evaluate(() => String((globalThis as any).document.activeElement?.textContent ?? ''));
    }
    assert.match(name, /^Requests: 1 \(1 open asked of you\)$/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Requests for information' }).waitFor();
    // and the new pages fit a laptop screen without sideways scrolling
    await page.setViewportSize({ width: 1024, height: 700 });
    for (const hash of ['#/reports', `#/reports/${reportId}`, '#/investigations', `#/investigations/${caseId}`, '#/requests', `#/requests/${rfiId}`]) {
      await page.goto(`${server.url}/${hash}`);
      await page.locator('main .panel').first().waitFor();
      const overflow = await page.evaluate(() => {
        const root = (globalThis as any).document.documentElement;
        return Number(root.scrollWidth) - Number(root.clientWidth);
      });
      assert.ok(overflow <= 0, `${hash} scrolls sideways by ${overflow} px at 1024 px`);
    }
    await page.screenshot({ path: join(SHOTS, 'request-laptop.png'), fullPage: true });
    // the overdue request is declined with a reason: the queue is empty, the badge gone
    await page.goto(`${server.url}/#/requests`);
    await page.getByRole('link', { name: /Wallet behind the panel/ }).click();
    await page.getByLabel('Reason').fill('We hold nothing on this wallet.');
    await page.getByRole('button', { name: 'Decline' }).click();
    await page.getByTestId('rfi-status').filter({ hasText: 'declined' }).waitFor();
    assert.match((await page.getByRole('list', { name: 'Messages, oldest first' }).textContent()) ?? '', /Vendor Labs declined.*We hold nothing on this wallet\./s);
    assert.equal(await page.getByRole('button', { name: 'Send answer' }).count(), 0, 'a declined request takes no answer');
    assert.equal(await badge(page, 'hidden'), 'hidden');
    await context.close();
  });
});
