import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * The largest credential or TLS file read: a CA bundle is a few hundred kilobytes; a bigger
 * file is a mistake (a log, an image, /dev/zero).
 */
export const MAX_FILE_BYTES = 1024 * 1024;

/**
 * The largest config file: a real one is a few kilobytes (a node with a thousand sensors,
 * about 100 KiB). Bigger is a mistake, and YAML parsing grows with the file: at this bound
 * the worst case still fails within a second; at 1 MiB, a list took 2.6 s.
 */
export const MAX_CONFIG_BYTES = 256 * 1024;

/** What reading a file gave: its bytes and mode, or why there are none (an errno code or a sentence). */
export type BoundedRead = { readonly ok: true; readonly data: Buffer; readonly mode: number } | { readonly ok: false; readonly reason: string; readonly tooLarge?: true };

/**
 * Reads at most `limit` bytes of a file. A regular file is measured before it is read; a pipe
 * or device (no size to measure) is read until it passes the limit, so nothing is unbounded.
 */
export function readBounded(path: string, limit = MAX_FILE_BYTES): BoundedRead {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    return { ok: false, reason: errorCode(error) };
  }
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) return { ok: false, reason: `EISDIR (${MEANINGS['EISDIR']!})` };
    if (stats.isFile() && stats.size > limit) return { ok: false, reason: tooLarge(limit, stats.size), tooLarge: true };
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > limit) return { ok: false, reason: tooLarge(limit), tooLarge: true };
    }
    return { ok: true, data: buffer.subarray(0, length), mode: stats.mode };
  } catch (error) {
    return { ok: false, reason: errorCode(error) };
  } finally {
    closeSync(fd);
  }
}

/** A size in the units people use for files. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MiB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KiB`;
  return `${bytes} bytes`;
}

function tooLarge(limit: number, size?: number): string {
  return `too large: ${size === undefined ? 'more than' : `${formatBytes(size)}, over`} the ${formatBytes(limit)} a fieldnode file may have`;
}

// The codes a technician meets, in words; the code stays for searching.
const MEANINGS: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'a directory', ENOTDIR: 'a part of the path is not a directory', ELOOP: 'too many symbolic links' };

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) return (error as Error).message;
  return MEANINGS[code] === undefined ? code : `${code} (${MEANINGS[code]})`;
}
