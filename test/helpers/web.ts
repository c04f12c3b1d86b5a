/**
 * The web UI's browser suites: `tix serve --demo` on loopback with a
 * temporary store, Debian's chromium driven by playwright-core, and signing
 * in as a demo user. Screenshots go to test-output/web/.
 */
import type { ChildProcess } from 'node:child_process';
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
