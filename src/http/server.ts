/**
 * The node's HTTP server: one small listener for the page, the event stream, metrics and
 * health checks. Hardened for a network a node does not control: bounded headers and
 * timeouts, no request bodies, GET and HEAD only, a token when bound beyond this machine,
 * and headers that keep browsers from caching, sniffing or framing what it serves.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FieldnodeError } from '../core/errors.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import { carriesToken } from './auth.js';
import { defaultEventStreamLimits, EventStream, type EventStreamLimits } from './events.js';
import { LoopLag } from './health.js';
import { findRoute, routesFor, type Route } from './routes.js';
import type { NodeView } from './view.js';

export interface ServerLimits {
  readonly maxHeaderBytes: number;
  readonly maxHeadersCount: number;
  /** A client must have sent its headers within this time... */
  readonly headersTimeoutMs: number;
  /** ...and its whole request within this one (a slow client holds no socket longer). */
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  /** How often the timeouts above are checked. */
  readonly connectionsCheckingIntervalMs: number;
}

/** The limits of a server and of its event stream; tests shorten them. */
export type HttpLimits = ServerLimits & EventStreamLimits;

export const defaultHttpLimits: HttpLimits = {
  maxHeaderBytes: 16 * 1024,
  maxHeadersCount: 64,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5000,
  connectionsCheckingIntervalMs: 1000,
  ...defaultEventStreamLimits,
};

export interface HttpServerOptions {
  readonly host: string;
  readonly port: number;
  /** Required on every route but /healthz when set. */
  readonly token?: string | undefined;
  readonly view: NodeView;
  readonly logger: Logger;
  readonly limits?: Partial<HttpLimits>;
}

const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'self'",
  'Referrer-Policy': 'no-referrer',
};

export class HttpServer implements Lifecycle {
  private server: Server | undefined;
  private readonly limits: HttpLimits;
  private readonly events: EventStream;
  private readonly lag = new LoopLag();
  private readonly routes: Route[];

  constructor(private readonly options: HttpServerOptions) {
    this.limits = { ...defaultHttpLimits, ...options.limits };
    this.events = new EventStream(options.view, this.limits);
    this.routes = routesFor({ view: options.view, events: this.events, lag: this.lag });
  }

  /** Where the server listens, as a browser would open it (undefined while stopped). */
  get url(): string | undefined {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) return undefined;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}/`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const { limits } = this;
    const server = createServer(
      { maxHeaderSize: limits.maxHeaderBytes, headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: limits.connectionsCheckingIntervalMs },
      (request, response) => this.handle(request, response),
    );
    server.maxHeadersCount = limits.maxHeadersCount;
    server.keepAliveTimeout = limits.keepAliveTimeoutMs;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        reject(new FieldnodeError(`http: cannot listen on ${this.options.host} port ${this.options.port} (${error.code ?? error.message}): choose another http.port or http.host`, 'HTTP', { cause: error }));
      });
      server.listen(this.options.port, this.options.host, () => {
        server.removeAllListeners('error');
        resolve();
      });
    });
    // After listening, an error on the server is logged, never thrown into the node.
    server.on('error', (error) => this.options.logger.error({ err: error.message }, 'http server error'));
    this.server = server;
    this.lag.start();
    this.options.logger.info({ url: this.url }, 'http server listening');
  }

  /** Closes the event streams first (they never end by themselves), then the server and its idle connections. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.lag.stop();
    this.events.closeAll();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return plain(response, 405, 'only GET and HEAD', { Allow: 'GET, HEAD' });
    }
    if (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0' || request.headers['transfer-encoding'] !== undefined) {
      return plain(response, 413, 'no request body accepted', { Connection: 'close' });
    }
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://node.invalid');
    } catch {
      return plain(response, 400, 'bad request target');
    }
    const { token } = this.options;
    if (token !== undefined && url.pathname !== '/healthz' && !carriesToken(request, url, token)) {
      return plain(response, 401, 'a token is required: Authorization: Bearer <token>, or ?token= in the address', { 'WWW-Authenticate': 'Bearer realm="fieldnode"' });
    }
    const route = findRoute(this.routes, url.pathname);
    if (!route) return plain(response, 404, `nothing at ${url.pathname}`);
    try {
      route.handler(request, response);
    } catch (error) {
      this.options.logger.error({ err: (error as Error).message, path: url.pathname }, 'http handler failed');
      if (!response.headersSent) plain(response, 500, 'internal error');
      else response.destroy();
    }
  }
}

/** A one-line text answer. */
function plain(response: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  response.end(`${message}\n`);
}
