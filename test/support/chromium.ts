import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * Headless Chromium for the one or two tests that must prove a real browser completes the flow
 * (cookie SameSite rules, real form posts). `npx playwright install` cannot work here, so we drive
 * the distro package: `apt-get install -y chromium`.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export interface ChromiumSession {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A fresh profile (temp user-data-dir) per launch, so no cookie leaks between tests. */
export async function launchChromium(): Promise<ChromiumSession> {
  if (!chromiumAvailable()) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}; install it with: apt-get update && apt-get install -y chromium`);
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'chromium-test-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ARGS,
    timeout: 30_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Opens startUrl, fills oidc-provider's dev login form (any password) and clicks through consent,
 * until the page URL satisfies stopAt (default: any URL outside the interaction pages). Returns that URL.
 */
export async function loginWithChromium(
  page: Page,
  startUrl: string,
  login: string,
  stopAt: (url: string) => boolean = (url) => !new URL(url).pathname.includes('/interaction/'),
): Promise<string> {
  const settled = (url: URL) => stopAt(url.href) || url.pathname.includes('/interaction/');
  await page.goto(startUrl);
  await page.waitForURL(settled);
  for (let step = 0; step < 4; step += 1) {
    const url = page.url();
    if (stopAt(url)) return url;
    const prompt = await page.locator('form input[name="prompt"]').first().getAttribute('value', { timeout: 10_000 });
    if (prompt === 'login') {
      await page.fill('input[name="login"]', login);
      await page.fill('input[name="password"]', 'any-password');
    } else if (prompt !== 'consent') {
      throw new Error(`loginWithChromium: unexpected page ${url}`);
    }
    // Each step lands on a new interaction uid or on stopAt, so "URL changed" marks the step done.
    await Promise.all([page.waitForURL((next) => next.href !== url && settled(next)), page.click('form button[type="submit"]')]);
  }
  throw new Error(`loginWithChromium: did not reach stopAt, last at ${page.url()}`);
}
