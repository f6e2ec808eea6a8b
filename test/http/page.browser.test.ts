/**
 * The page in a real browser (Debian's chromium driven by playwright-core), against a real node
 * whose SDS011 twin sits on a socat pty and whose broker is a real embedded one: what a
 * technician sees on a phone, with the cable pulled and the broker gone.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import { startTwin, type PtyTwin } from '../../simulators/index.js';
import { findBinary } from '../support/binaries.js';
import { describeNeeding } from '../support/needs.js';
import { simulatedNode, validateSimulated, type SimulatedNode } from '../support/simulated-node.js';

const CHROMIUM = '/usr/bin/chromium';
const ready = existsSync(CHROMIUM) && findBinary('socat') !== undefined;

function nodeConfig(directory: string, brokerUrl: string, twinPath: string, http: Record<string, unknown>) {
  return validateSimulated({
    dataDir: join(directory, 'data'),
    node: { id: 'page-node', site: 'test-bench' },
    broker: { url: brokerUrl, protocol: '3.1.1' },
    batching: { maxReadings: 4, maxDelayMs: 100 },
    http,
    boards: [{ id: 'air', port: twinPath, device: { type: 'sds011', baud: 9600 }, sensors: [{ name: 'pm2_5', unit: 'ug/m3', field: 'pm2_5' }] }],
  });
}

/** The number a page element shows. */
async function numberIn(page: Page, selector: string): Promise<number> {
  return Number(await page.locator(selector).textContent());
}

describeNeeding(ready, 'chromium and socat', `${CHROMIUM} or socat is missing (apt-get install chromium socat)`, 'the page in a browser', () => {
  let broker: EmbeddedBroker;
  let twin: PtyTwin;
  let node: SimulatedNode;
  let browser: Browser;
  let page: Page;
  let origin: string;
  const requests: string[] = [];

  beforeAll(async () => {
    const directory = mkdtempSync(join(tmpdir(), 'fieldnode-page-'));
    broker = await startEmbeddedBroker();
    twin = await startTwin('sds011', { pty: join(directory, 'ttyUSB0'), options: { seed: 3, intervalMs: 100 } });
    node = simulatedNode(nodeConfig(directory, broker.url, twin.path, { port: 0 }));
    await node.start();
    origin = new URL(node.httpAddress!).origin;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage();
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`${origin}/`);
  });

  afterAll(async () => {
    await browser?.close();
    await node?.stop();
    await twin?.stop();
    await broker?.close();
  });

  it('loads from the node alone: no request leaves it', async () => {
    await expect.poll(() => page.locator('#node-id').textContent()).toBe('page-node');
    await expect.poll(() => page.locator('#stream').textContent()).toBe('live');
    expect(requests.length).toBeGreaterThanOrEqual(6);
    for (const url of requests) expect(url.startsWith(`${origin}/`), url).toBe(true);
    expect(await page.locator('#node-site').textContent()).toBe('at test-bench');
    expect(await page.locator('#broker-url').textContent()).toBe(broker.url);
  });

  it('serves only its known assets, with their types and no caching', async () => {
    const css = await fetch(`${origin}/assets/uPlot.min.css`);
    expect([css.status, css.headers.get('content-type'), css.headers.get('cache-control')]).toEqual([200, 'text/css; charset=utf-8', 'no-store']);
    expect((await fetch(`${origin}/assets/page.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    for (const path of ['/assets/..%2fpage.ts', '/assets/%2e%2e/page.ts', '/assets/index.html', '/assets/toString', '/assets/']) {
      expect((await fetch(`${origin}${path}`)).status, path).toBe(404);
    }
  });

  it('shows each value as it changes, and plots it', async () => {
    const sensor = page.locator('[data-sensor="air/pm2_5"]');
    await expect.poll(() => sensor.locator('.value').textContent()).not.toBe('–');
    const first = await sensor.locator('.value').textContent();
    await expect.poll(() => sensor.locator('.value').textContent(), { timeout: 5000 }).not.toBe(first);
    expect(await sensor.locator('.unit').textContent()).toBe('ug/m3');
    await expect.poll(() => sensor.locator('canvas').count()).toBe(1);
    const points = async () => Number(await sensor.locator('.plot').getAttribute('data-points'));
    const before = await points();
    await expect.poll(points, { timeout: 5000 }).toBeGreaterThan(before);
  });

  it('shows a board as unplugged within 2 s of its cable being pulled, and open again after the replug', async () => {
    const link = page.locator('[data-board="air"] .link');
    await expect.poll(() => link.textContent()).toBe('open');
    await twin.unplug();
    await expect.poll(() => link.textContent(), { timeout: 2000 }).toBe('unplugged');
    expect(await page.locator('[data-board="air"] .reason').textContent()).not.toBe('');
    await twin.replug();
    await expect.poll(() => link.textContent(), { timeout: 5000 }).toBe('open');
  });

  it('shows the outbox growing while the broker is away, then draining to nothing', async () => {
    const port = Number(new URL(broker.url).port);
    await broker.close();
    await expect.poll(() => page.locator('#broker-state').textContent(), { timeout: 10_000 }).toBe('not connected');
    await expect.poll(() => numberIn(page, '#outbox-readings'), { timeout: 5000 }).toBeGreaterThan(0);
    const waiting = await numberIn(page, '#outbox-readings');
    await expect.poll(() => numberIn(page, '#outbox-readings'), { timeout: 5000 }).toBeGreaterThan(waiting);
    broker = await startEmbeddedBroker(port);
    await expect.poll(() => page.locator('#broker-state').textContent(), { timeout: 15_000 }).toBe('connected');
    await expect.poll(() => numberIn(page, '#outbox-readings'), { timeout: 15_000 }).toBe(0);
  });

  it('saves a screenshot, and fits a phone screen with no sideways scrolling', async () => {
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/page.png', fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    // Evaluated in the page, whose DOM this file's types do not describe.
    const widths = (await page.evaluate('({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })')) as { scroll: number; client: number };
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    await page.screenshot({ path: 'test-results/page-phone.png', fullPage: true });
  });

  it('with a token, opens at /?token= with a live stream, and answers 401 without it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'fieldnode-page-token-'));
    const second = await startTwin('sds011', { pty: join(directory, 'ttyUSB1'), options: { seed: 4, intervalMs: 100 } });
    const guarded = simulatedNode(nodeConfig(directory, broker.url, second.path, { port: 0, token: { env: 'PAGE_TEST_TOKEN' } }), { environment: { PAGE_TEST_TOKEN: 'a b&c' } });
    await guarded.start();
    try {
      const address = new URL(guarded.httpAddress!).origin;
      expect((await fetch(`${address}/`)).status).toBe(401);
      expect((await fetch(`${address}/events`)).status).toBe(401);
      const tokenPage = await browser.newPage();
      await tokenPage.goto(`${address}/?token=${encodeURIComponent('a b&c')}`);
      await expect.poll(() => tokenPage.locator('#stream').textContent()).toBe('live');
      await expect.poll(() => tokenPage.locator('#node-id').textContent()).toBe('page-node');
      await tokenPage.close();
    } finally {
      await guarded.stop();
      await second.stop();
    }
  });
});
