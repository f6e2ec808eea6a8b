/**
 * The files a Raspberry Pi's kernel exposes (sysfs under /sys, procfs under /proc), read
 * relative to a root directory: `/` on a gateway, a simulated tree in tests and on a laptop.
 * Drivers that poll these files see only this interface, never node:fs.
 */
import { constants } from 'node:fs';
import { open, readdir, statfs } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { DeviceError } from '../../core/errors.js';

/** Why a file could not be read, in the terms a fix depends on. */
export type PiFileProblem = 'missing' | 'permission' | 'io';

/** A failed read that names the file and says what to do, so the first log line is enough. */
export class PiFileError extends DeviceError<PiFileProblem> {
  constructor(
    readonly file: string,
    problem: PiFileProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(problem, message, 'PI_FILE', options);
  }
}

/** Free and total bytes of one filesystem, as `df` counts them for an unprivileged user. */
export interface FilesystemSpace {
  readonly freeBytes: number;
  readonly totalBytes: number;
}

/** What file-polling drivers may do: read small text files, list a directory, measure a filesystem. */
export interface PiFiles {
  /** For logs: which tree is read (`/` or a simulated one). */
  readonly description: string;
  /** The whole text of a file given by its absolute path on the Pi (`/proc/loadavg`). */
  readText(path: string): Promise<string>;
  /** The names in a directory, sorted, so discovery (hwmon, w1 devices) is deterministic. */
  list(path: string): Promise<string[]>;
  /** Space on the filesystem holding `path`. */
  space(path: string): Promise<FilesystemSpace>;
}

/**
 * sysfs and procfs files are small (a page at most); anything bigger means the root points
 * somewhere unexpected, and reading it whole would only waste memory.
 */
export const MAX_FILE_BYTES = 64 * 1024;

/** The real files of this machine (or of a tree laid out like them), under `root`. */
export class SysfsRoot implements PiFiles {
  readonly description: string;

  constructor(readonly root = '/') {
    this.description = root === '/' ? 'files under /' : `files under ${root}`;
  }

  async readText(path: string): Promise<string> {
    const absolute = this.resolve(path);
    try {
      // sysfs reports every attribute as 4096 bytes long: read until the end, not by its size.
      const handle = await open(absolute, constants.O_RDONLY);
      try {
        const buffer = Buffer.alloc(MAX_FILE_BYTES);
        let length = 0;
        for (;;) {
          const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
          if (bytesRead === 0) break;
          length += bytesRead;
          if (length === buffer.length) throw new PiFileError(path, 'io', `${path} is larger than ${MAX_FILE_BYTES} bytes: not a sysfs or procfs file`);
        }
        return buffer.toString('utf8', 0, length);
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw explainFileError(error, path);
    }
  }

  async list(path: string): Promise<string[]> {
    try {
      return (await readdir(this.resolve(path))).sort();
    } catch (error) {
      throw explainFileError(error, path);
    }
  }

  async space(path: string): Promise<FilesystemSpace> {
    try {
      const stats = await statfs(this.resolve(path));
      return { freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
    } catch (error) {
      throw explainFileError(error, path);
    }
  }

  /** Joins a Pi path onto the root, refusing any that climbs out of it. */
  private resolve(path: string): string {
    if (!isAbsolute(path)) throw new PiFileError(path, 'missing', `${path}: give the absolute path as it is on the Pi (e.g. /proc/loadavg)`);
    const absolute = normalize(join(this.root, path));
    const rootPrefix = normalize(this.root.endsWith(sep) ? this.root : this.root + sep);
    if (absolute !== normalize(this.root) && !absolute.startsWith(rootPrefix)) {
      throw new PiFileError(path, 'missing', `${path} lies outside ${this.root}`);
    }
    return absolute;
  }
}

/** Turns a Node errno error into a PiFileError that names the file and the cause. */
export function explainFileError(error: unknown, path: string): PiFileError {
  if (error instanceof PiFileError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new PiFileError(path, 'missing', `${path} does not exist`, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new PiFileError(path, 'permission', `permission denied reading ${path}: run fieldnode as a user that may read it`, { cause: error });
    default:
      return new PiFileError(path, 'io', `cannot read ${path} (${code ?? (error as Error | undefined)?.message ?? String(error)})`, { cause: error });
  }
}
