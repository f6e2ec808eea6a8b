/**
 * Every route the node serves, in one list: a path (ending in `/*` for a folder) and its
 * handler. The server routes to these and nothing else.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventStream } from './events.js';
import { healthRoute, readyRoute, type LoopLag } from './health.js';
import { metricsRoute } from './metrics.js';
import { pageRoutes } from './page.js';
import type { NodeView } from './view.js';

/** Answers one GET or HEAD request; method, token and security headers are handled before. */
export type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A path served by the node: exact, or a folder when it ends in `/*`. */
export interface Route {
  readonly path: string;
  readonly handler: Handler;
}

/** What the routes read. */
export interface RouteContext {
  readonly view: NodeView;
  readonly events: EventStream;
  readonly lag: LoopLag;
}

/** The node's routes. */
export function routesFor({ view, events, lag }: RouteContext): Route[] {
  return [
    { path: '/healthz', handler: healthRoute(lag) },
    { path: '/readyz', handler: readyRoute(() => view.outboxState()) },
    { path: '/events', handler: events.handle },
    { path: '/metrics', handler: metricsRoute(view) },
    ...pageRoutes(),
  ];
}

/** The route serving `pathname`, if any. */
export function findRoute(routes: readonly Route[], pathname: string): Route | undefined {
  return routes.find((route) => (route.path.endsWith('/*') ? pathname.startsWith(route.path.slice(0, -1)) : pathname === route.path));
}
