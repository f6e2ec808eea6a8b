/**
 * `/` and `/assets/<file>`: the page a technician opens from a phone, and the files it loads.
 * Everything is served from the node itself (the phone may have no internet): our own page
 * files, and uPlot, which the build copies from node_modules next to them.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Route } from './routes.js';

/** The only files served under /assets/: a fixed list, so no request names any other file. */
const ASSETS: Record<string, { readonly type: string; readonly vendored?: string }> = {
  'page.js': { type: 'text/javascript; charset=utf-8' },
  'page.css': { type: 'text/css; charset=utf-8' },
  'uPlot.iife.min.js': { type: 'text/javascript; charset=utf-8', vendored: 'uplot/dist/uPlot.iife.min.js' },
  'uPlot.min.css': { type: 'text/css; charset=utf-8', vendored: 'uplot/dist/uPlot.min.css' },
};

/** The files are small and never change while the node runs: read once, on first request. */
const cache = new Map<string, Buffer>();

function assetBytes(name: string): Buffer {
  let bytes = cache.get(name);
  if (!bytes) {
    bytes = readAsset(name);
    cache.set(name, bytes);
  }
  return bytes;
}

/**
 * The built package holds every file in the assets folder next to this module. Run from the
 * sources (tests, tsx), the build's copy step has not run: uPlot is read from its package.
 */
function readAsset(name: string): Buffer {
  try {
    return readFileSync(fileURLToPath(new URL(`./assets/${name}`, import.meta.url)));
  } catch (error) {
    const vendored = ASSETS[name]?.vendored;
    if (!vendored) throw error;
    return readFileSync(createRequire(import.meta.url).resolve(vendored));
  }
}

type Response = Parameters<Route['handler']>[1];

function serve(response: Response, name: string, type: string, head: boolean, bytes = assetBytes(name)): void {
  response.writeHead(200, { 'Content-Type': type, 'Content-Length': bytes.length, 'Cache-Control': 'no-store' });
  response.end(head ? undefined : bytes);
}

/**
 * The page as opened with `?token=`: its asset addresses carry the same token, since a browser
 * sends no header with a stylesheet or a script. Only the token this very request carried
 * (the server checked it before routing here) goes back, encoded, to the one who sent it.
 */
function withToken(page: Buffer, token: string): Buffer {
  const query = `?token=${encodeURIComponent(token)}`;
  return Buffer.from(page.toString('utf8').replace(/"\/assets\/([\w.-]+)"/g, (_match, name: string) => `"/assets/${name}${query}"`));
}

/** The page and its assets. */
export function pageRoutes(): Route[] {
  return [
    {
      path: '/',
      handler: (request, response) => {
        const token = new URL(request.url ?? '/', 'http://node.invalid').searchParams.get('token');
        serve(response, 'index.html', 'text/html; charset=utf-8', request.method === 'HEAD', token === null ? undefined : withToken(assetBytes('index.html'), token));
      },
    },
    {
      path: '/assets/*',
      handler: (request, response) => {
        const name = new URL(request.url ?? '/', 'http://node.invalid').pathname.slice('/assets/'.length);
        const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
        if (!asset) {
          response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
          response.end(`no asset ${JSON.stringify(name)}\n`);
          return;
        }
        serve(response, name, asset.type, request.method === 'HEAD');
      },
    },
  ];
}
