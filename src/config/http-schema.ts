/**
 * The `http:` section of the config. It lives with the config, which the HTTP server reads,
 * so that the config never imports the server's folder (src/http/schema.ts re-exports it).
 */

import { z } from 'zod';
import { secretSource } from './secret.js';

/** Addresses only this machine reaches: anything else is reachable by the whole network and needs a token. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/** The `http:` section: the node's local page, metrics and health checks; absent means no server at all. */
export const httpSchema = z
  .strictObject({
    host: z.string().min(1).default('127.0.0.1').describe('address to listen on; any but 127.0.0.1, ::1 or localhost requires a token'),
    port: z.number().int().min(0).max(65_535).default(8080).describe('TCP port (0: any free port, logged at start)'),
    token: secretSource.optional().describe('{ env: NAME } or { file: PATH }: required as "Authorization: Bearer <token>" (or ?token= for the page) on every route but /healthz'),
  })
  .superRefine(
    (http, ctx) => {
      if (!LOOPBACK_HOSTS.has(http.host) && http.token === undefined) {
        ctx.addIssue({ code: 'custom', path: ['token'], message: `binding ${http.host} needs a token: anyone on the network could read the page and metrics; set http.token to { env: NAME } or { file: PATH }, or listen on 127.0.0.1` });
      }
    },
    { when: () => true },
  );

/** A validated `http:` section, defaults filled in. */
export type HttpConfig = z.infer<typeof httpSchema>;
