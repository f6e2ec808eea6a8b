/**
 * The node's HTTP server, on a real node reading simulated boards and publishing to a real
 * broker, through real HTTP requests: health and readiness, the event stream, the token,
 * hardening (limits, timeouts, methods), secrets, and restarts.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeConfig } from '../../src/config/schema.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import { weatherStationConfig } from '../e2e/support.js';
import { runCli, RunningCli } from '../support/cli.js';
import { waitUntil } from '../support/collector.js';
import { writeStationConfig } from '../support/config-file.js';
import { freePort } from '../support/free-port.js';
import { simulatedNode, type SimulatedNode } from '../support/simulated-node.js';

/** Short limits, so the timeouts are seen within a test. */
const testLimits = { headersTimeoutMs: 400, requestTimeoutMs: 600, connectionsCheckingIntervalMs: 100 };

function nodeWithHttp(brokerUrl: string, nodeId: string, http: Record<string, unknown> = {}, more: { outbox?: Record<string, unknown>; broker?: Record<string, unknown>; intervalMs?: number; environment?: NodeJS.ProcessEnv } = {}): SimulatedNode {
  const config: NodeConfig = {
    ...weatherStationConfig({ brokerUrl, nodeId, protocol: '3.1.1', board: { simulator: { device: 'weather-station', intervalMs: more.intervalMs ?? 50 } }, ...(more.outbox ? { outbox: more.outbox } : {}), ...(more.broker ? { broker: more.broker } : {}) }),
    http: { host: '127.0.0.1', port: 0, ...http } as NodeConfig['http'],
  };
  return simulatedNode(config, { httpLimits: testLimits, ...(more.environment ? { environment: more.environment } : {}) });
}

interface ServerSentEvent { readonly event: string; readonly data: unknown }

/** An open `/events` stream, its events parsed as they come. */
class EventClient {
  readonly events: ServerSentEvent[] = [];
  status = 0;
  ended = false;
  private buffer = '';
  private response: IncomingMessage | undefined;
  readonly ready: Promise<void>;
  private readonly request;

  constructor(url: string) {
    this.request = httpRequest(url, (response) => {
      this.response = response;
      this.status = response.statusCode ?? 0;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => this.take(chunk));
      response.on('close', () => (this.ended = true));
    });
    this.request.on('error', () => (this.ended = true));
    this.ready = new Promise((resolve) => this.request.on('response', () => resolve()));
    this.request.end();
  }

  close(): void {
    this.request.destroy();
    this.response?.destroy();
  }

  private take(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const frame = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(frame)?.[1];
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (event && data) this.events.push({ event, data: JSON.parse(data) });
    }
  }
}

/** A raw GET, for what fetch will not send (oversized headers, a body on GET). */
function rawGet(url: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'GET', headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

describe('the HTTP server of a running node', () => {
  let broker: EmbeddedBroker;
  let node: SimulatedNode;
  let base: string;

  beforeAll(async () => {
    broker = await startEmbeddedBroker();
    node = nodeWithHttp(broker.url, 'http-node');
    await node.start();
    base = node.httpAddress!;
  });

  afterAll(async () => {
    await node.stop();
    await broker.close();
  });

  it('listens on a free port of 127.0.0.1 and answers /healthz and /readyz, with the security headers', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const health = await fetch(new URL('/healthz', base));
    expect(health.status).toBe(200);
    expect(await health.text()).toMatch(/^ok\nevent loop lag: \d+ ms\n$/);
    expect(health.headers.get('cache-control')).toBe('no-store');
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    expect(health.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(health.headers.get('referrer-policy')).toBe('no-referrer');
    await waitUntil(() => node.uplink?.isConnected === true);
    const ready = await fetch(new URL('/readyz', base));
    expect([ready.status, await ready.text()]).toEqual([200, 'ready\n']);
    const head = await fetch(new URL('/healthz', base), { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
  });

  it('answers 404 to unknown paths, 405 to other methods, 431 to oversized headers and 413 to a body', async () => {
    const missing = await fetch(new URL('/nothing/here', base));
    expect(missing.status).toBe(404);
    const post = await fetch(new URL('/healthz', base), { method: 'POST', body: 'x' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    expect((await rawGet(new URL('/healthz', base).href, { 'X-Padding': 'a'.repeat(20 * 1024) })).status).toBe(431);
    expect((await rawGet(new URL('/healthz', base).href, { 'Content-Type': 'text/plain', 'Content-Length': '6' }, 'a body')).status).toBe(413);
  });

  it('streams the snapshot, then the history, then readings as they come', async () => {
    // Some readings first, so the history has points.
    await waitUntil(() => node.stats().forwarder.readingsSubmitted > 0);
    const client = new EventClient(new URL('/events', base).href);
    try {
      await client.ready;
      expect(client.status).toBe(200);
      await waitUntil(() => client.events.some((event) => event.event === 'readings'), 5000, () => JSON.stringify(client.events.map((event) => event.event)));
      expect(client.events.slice(0, 2).map((event) => event.event)).toEqual(['snapshot', 'history']);
      const snapshot = client.events[0]!.data as { node: { id: string }; boards: { id: string; link: string; sensors: { name: string }[] }[]; broker: { url: string } };
      expect(snapshot.node.id).toBe('http-node');
      expect(snapshot.broker.url).toBe(broker.url);
      expect(snapshot.boards.map((board) => [board.id, board.link])).toEqual([['station', 'open']]);
      const history = client.events[1]!.data as Record<string, [number, number][]>;
      expect(Object.keys(history)).toContain('station/temperature');
      const readings = client.events.find((event) => event.event === 'readings')!.data as { board: string; name: string; value: number; time: number }[];
      expect(readings[0]).toMatchObject({ board: 'station', name: expect.any(String), value: expect.any(Number), time: expect.any(Number) });
      // A snapshot follows within a second when something changed (readings did).
      await waitUntil(() => client.events.filter((event) => event.event === 'snapshot').length >= 2, 3000);
    } finally {
      client.close();
    }
  });

  it('serves 16 event streams and refuses the 17th with 503', async () => {
    const clients = Array.from({ length: 16 }, () => new EventClient(new URL('/events', base).href));
    try {
      await Promise.all(clients.map((client) => client.ready));
      expect(clients.map((client) => client.status)).toEqual(Array(16).fill(200));
      const refused = await fetch(new URL('/events', base));
      expect(refused.status).toBe(503);
    } finally {
      for (const client of clients) client.close();
    }
    // Closed streams free their places.
    await waitUntil(() => clients.every((client) => client.ended));
    const again = new EventClient(new URL('/events', base).href);
    await again.ready;
    expect(again.status).toBe(200);
    again.close();
  });

  it('cuts a client that sends half a request when the header timeout passes, and serves others meanwhile', async () => {
    const { port } = new URL(base);
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    let closed = false;
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    const started = Date.now();
    expect((await fetch(new URL('/healthz', base))).status).toBe(200);
    await waitUntil(() => closed, 5000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(testLimits.headersTimeoutMs - 50);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect((await fetch(new URL('/healthz', base))).status).toBe(200);
  });
});

describe('readiness of a node without its broker', () => {
  it('is 503, with the reason, once the outbox is full', async () => {
    const deadPort = await freePort();
    const node = nodeWithHttp(`mqtt://127.0.0.1:${deadPort}`, 'full-node', {}, { outbox: { maxBytes: 65_536 }, intervalMs: 1 });
    await node.start();
    try {
      const readyz = new URL('/readyz', node.httpAddress);
      // A thousand lines a second fill 64 KiB within seconds.
      let last = { status: 0, text: '' };
      const deadline = Date.now() + 15_000;
      while (last.status !== 503 && Date.now() < deadline) {
        const response = await fetch(readyz);
        last = { status: response.status, text: await response.text() };
        if (last.status !== 503) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(last.text).toMatch(/^not ready: broker not connected and the outbox is full \(\d+ of 65536 bytes\)\n$/);
      expect(last.text.split('\n').filter(Boolean)).toHaveLength(1);
    } finally {
      await node.stop();
    }
  });
});

describe('a token', () => {
  const token = 'tok-3f9a8c71e2d4b605';
  const password = 'pw-b1c2d3e4f5a6';
  const username = 'user-http-secret';
  let broker: EmbeddedBroker;
  let node: SimulatedNode;
  let base: string;

  beforeAll(async () => {
    broker = await startEmbeddedBroker();
    node = nodeWithHttp(broker.url, 'token-node', { host: '127.0.0.1', token: { env: 'FIELDNODE_HTTP_TOKEN' } }, {
      broker: { username, password: { env: 'FIELDNODE_BROKER_PASSWORD' } },
      environment: { FIELDNODE_HTTP_TOKEN: token, FIELDNODE_BROKER_PASSWORD: password },
    });
    await node.start();
    base = node.httpAddress!;
  });

  afterAll(async () => {
    await node.stop();
    await broker.close();
  });

  it('is required on every route but /healthz, as a bearer header or ?token=', async () => {
    const readyz = new URL('/readyz', base);
    const none = await fetch(readyz);
    expect([none.status, none.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="fieldnode"']);
    expect((await fetch(readyz, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(new URL(`/readyz?token=${token}x`, base))).status).toBe(401);
    expect((await fetch(new URL('/nothing', base))).status).toBe(401);
    await waitUntil(() => node.uplink?.isConnected === true);
    expect((await fetch(readyz, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(new URL(`/readyz?token=${token}`, base))).status).toBe(200);
    expect((await fetch(new URL('/healthz', base))).status).toBe(200);
    const events = new EventClient(new URL(`/events?token=${token}`, base).href);
    await events.ready;
    expect(events.status).toBe(200);
    events.close();
  });

  it('and the broker credentials appear in no response', async () => {
    const bodies: string[] = [];
    for (const path of ['/healthz', '/readyz', '/events', '/nothing', '/']) {
      bodies.push(await (await fetch(new URL(path, base))).text());
    }
    for (const path of ['/healthz', '/readyz', '/nothing', '/', '/metrics']) {
      const response = await fetch(new URL(path, base), { headers: { Authorization: `Bearer ${token}` } });
      bodies.push(await response.text(), JSON.stringify([...response.headers]));
    }
    const events = new EventClient(new URL(`/events?token=${token}`, base).href);
    await waitUntil(() => events.events.length >= 2);
    events.close();
    bodies.push(JSON.stringify(events.events));
    expect(bodies.join('\n')).toContain('token-node');
    for (const secret of [token, password, username]) expect(bodies.join('\n')).not.toContain(secret);
  });
});

describe('a node started, stopped and started again', () => {
  it('serves again after each start and closes the event streams at stop', async () => {
    const broker = await startEmbeddedBroker();
    const node = nodeWithHttp(broker.url, 'restart-http-node');
    try {
      await node.start();
      const first = node.httpAddress!;
      const client = new EventClient(new URL('/events', first).href);
      await waitUntil(() => client.events.length >= 2);
      await node.stop();
      expect(node.httpAddress).toBeUndefined();
      await waitUntil(() => client.ended, 3000);
      await expect(fetch(new URL('/healthz', first))).rejects.toThrow();
      await node.start();
      const second = node.httpAddress!;
      expect((await fetch(new URL('/healthz', second))).status).toBe(200);
      const again = new EventClient(new URL('/events', second).href);
      await waitUntil(() => again.events.length >= 2);
      expect((again.events[0]!.data as { node: { boot: number } }).node.boot).toBe(2);
      again.close();
    } finally {
      await node.stop();
      await broker.close();
    }
  });
});

describe('the command line', () => {
  const directory = mkdtempSync(join(tmpdir(), 'fieldnode-http-cli-'));

  it('refuses a host beyond this machine without a token: exit 78 naming http.token, for validate and run', async () => {
    const path = writeStationConfig(join(directory, 'open.yaml'), { nodeId: 'open-node', dataDir: directory, brokerUrl: 'mqtt://127.0.0.1:1', intervalMs: 1000, maxReadings: 10 });
    writeFileSync(path, `${readFileSync(path, 'utf8')}http: { host: 0.0.0.0 }\n`);
    for (const verb of ['validate', 'run']) {
      const result = await runCli([verb, path]);
      expect(result.code, `${verb}: ${result.stderr}`).toBe(78);
      expect(result.stderr).toMatch(/http\.token.*binding 0\.0\.0\.0 needs a token/);
    }
  });

  it('refuses a token that cannot be read: exit 78 naming http.token, for validate and run, before anything opens', async () => {
    const path = writeStationConfig(join(directory, 'unset.yaml'), { nodeId: 'unset-node', dataDir: join(directory, 'unset-data'), brokerUrl: 'mqtt://127.0.0.1:1', intervalMs: 1000, maxReadings: 10 });
    writeFileSync(path, `${readFileSync(path, 'utf8')}http: { host: 0.0.0.0, token: { env: FIELDNODE_TEST_UNSET_TOKEN } }\n`);
    for (const verb of ['validate', 'run']) {
      const result = await runCli([verb, path], { env: { FIELDNODE_TEST_UNSET_TOKEN: '' } });
      expect(result.code, `${verb}: ${result.stderr}`).toBe(78);
      expect(result.stderr).toContain("http.token.env: environment variable FIELDNODE_TEST_UNSET_TOKEN is not set (it holds the page's token)");
      expect(result.stderr).not.toMatch(/^\s+at /m);
    }
  });

  it('prints the page address of the demo, which answers', async () => {
    const cli = new RunningCli(['run', '--no-tail']);
    try {
      await cli.waitForStderr(/http: page at http:\/\/127\.0\.0\.1:\d+\//, 20_000);
      const address = /http: page at (\S+)/.exec(cli.stderr)![1]!;
      expect((await fetch(new URL('/healthz', address))).status).toBe(200);
    } finally {
      await cli.signal('SIGTERM');
    }
  });
});
