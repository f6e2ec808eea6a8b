import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Creates the broker password file, private to its owner from the first byte (mode 600 at
 * creation, not chmod afterwards, so nobody can open it in between), in a directory created
 * private too when missing. Never replaces a file that exists.
 */
export function createPasswordFile(path: string, password: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${password}\n`, { mode: 0o600, flag: 'wx' });
  // The umask can only take bits away; this makes sure none were added by an odd umask.
  chmodSync(path, 0o600);
}
