/**
 * The web UI's browser suites: `tix serve --demo` on loopback with a
 * temporary store, Debian's chromium driven by playwright-core, and signing
 * in as a demo user. Screenshots go to test-output/web/.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT, startServe } from './cli.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const SHOTS = join(ROOT, 'test-output', 'web');

/** Every demo user's password is its name and this suffix. */
export const demoPassword = (user: string): string => `${user}-demo-2026`;

/** Starts `tix serve --demo --port 0` on a data directory; resolves once it listens, with its base URL. */
export function serve(data: string): Promise<{ child: ChildProcess; url: string }> {
  return startServe(data, ['--demo']);
}

/** A browser suite's parts: `tix serve --demo` on the suite's data directory, and chromium. */
export async function startWebSuite(data: string): Promise<{ server: { child: ChildProcess; url: string }; browser: Browser }> {
  assert.ok(existsSync(join(ROOT, 'dist', 'web', 'index.html')), 'the web UI is built (npm run build)');
  mkdirSync(SHOTS, { recursive: true });
  const server = await serve(data);
  return { server, browser: await launchChromium() };
}

export async function stopWebSuite(server: { child: ChildProcess } | undefined, browser: Browser | undefined): Promise<void> {
  await browser?.close();
  server?.child.kill('SIGTERM');
}

/** Posts values as a demo user (`POST /api/v1/indicators`); fails the suite unless they are accepted. */
export async function postIndicators(url: string, user: string, items: unknown): Promise<void> {
  const created = await fetch(`${url}/api/v1/indicators`, { method: 'POST', headers: { authorization: basic(user), 'content-type': 'application/json' }, body: JSON.stringify(items) });
  assert.equal(created.status, 201, await created.text());
}

/** A demo user's HTTP Basic credentials. */
export const basic = (user: string): string => `Basic ${Buffer.from(`${user}:${demoPassword(user)}`).toString('base64')}`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** A new browser context signed in as a demo user, on the overview. */
export async function signInAs(browser: Browser, url: string, user: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${url}/`);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(demoPassword(user));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  return { context, page };
}
