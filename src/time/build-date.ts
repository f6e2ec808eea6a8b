/**
 * The software's build date: no wall clock before it can be right, so nothing before it is
 * trusted or sent. `npm run build` writes the real build time next to the compiled code
 * (build-info.json); running from source, the committed SOURCE_BUILD_DATE_MS stands in for it.
 */
import { readFileSync } from 'node:fs';
import { SOURCE_BUILD_DATE_MS } from '../core/trusted-time.js';

export { SOURCE_BUILD_DATE_MS };

/** The file `npm run build` writes beside the compiled sources: `{ "builtAt": "<ISO 8601>" }`. */
export const BUILD_INFO_FILE = 'build-info.json';

let cached: number | undefined;

/** Epoch milliseconds of the build, read once. */
export function buildDateMs(): number {
  cached ??= readBuildInfo(new URL(`../${BUILD_INFO_FILE}`, import.meta.url)) ?? SOURCE_BUILD_DATE_MS;
  return cached;
}

/** The build time recorded in `url`, or undefined when there is none (running from source) or it is unreadable. */
export function readBuildInfo(url: URL): number | undefined {
  let text: string;
  try {
    text = readFileSync(url, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const builtAt = (JSON.parse(text) as { builtAt?: unknown }).builtAt;
    const ms = typeof builtAt === 'string' ? Date.parse(builtAt) : Number.NaN;
    // A damaged file must not make every clock look wrong: the source date still holds.
    return Number.isFinite(ms) && ms >= SOURCE_BUILD_DATE_MS ? ms : undefined;
  } catch {
    return undefined;
  }
}
