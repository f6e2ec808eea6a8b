/**
 * better-sqlite3, loaded when a database is first opened rather than at import: `validate` and
 * `--help` never open one, and a consumer that keeps its seen packs in memory never needs it.
 */
import { createRequire } from 'node:module';

export const loadDatabase = () => createRequire(import.meta.url)('better-sqlite3') as typeof import('better-sqlite3');
