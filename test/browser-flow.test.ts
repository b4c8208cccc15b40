import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, loginWithChromium } from './support/chromium.js';
import { exchange, startFlowEnvironment, type FlowEnvironment } from './support/flow.js';
import { freePort } from './support/server.js';

/**
 * The viewer's browser is a real one here: headless Chromium opens our authorization URL, logs in
 * and consents at the provider, passes our callback (cookie binding included) and lands back on the
 * content page, after which the content's credential exchange succeeds.
 */
describe('viewer flow in headless Chromium', () => {
  let env: FlowEnvironment;
  let content: http.Server;
  let contentUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    contentUrl = `http://127.0.0.1:${port}/app/`;
    content = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Trips</h1>'));
    await new Promise<void>((resolve) => content.listen(port, '127.0.0.1', resolve));
    env = await startFlowEnvironment('databricks', { contentUrl });
  });
  afterAll(async () => {
    await env?.close();
    content?.close();
  });

  it('logs in at the provider and returns to the content, authorized', async () => {
    const viewer = await env.addViewer('dana');
    const sessionToken = await env.sessionToken(viewer);
    const first = await exchange(env.server.url, env.contentKey, sessionToken);
    expect(first.json.code).toBe(214);
    const browser = await launchChromium();
    try {
      const landed = await loginWithChromium(browser.page, first.json.payload.authorization_url, 'dana', (url) => url.startsWith(contentUrl));
      expect(landed).toBe(contentUrl);
      expect(await browser.page.textContent('h1')).toBe('Trips');
    } finally {
      await browser.close();
    }
    const credentials = await exchange(env.server.url, env.contentKey, sessionToken);
    expect(credentials.status).toBe(200);
    expect(await env.provider.introspect(credentials.json.access_token)).toMatchObject({ active: true, sub: 'dana' });
  });
});
