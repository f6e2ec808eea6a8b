import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A small tmpfs: a data partition that really fills up (ENOSPC, SQLITE_FULL), not a mock of one. */
export interface SmallDisk {
  readonly directory: string;
  /** Bytes a new file may still take. */
  free(): number;
  /** Writes a filler file until the disk is full, keeping `leaveBytes` free; returns its path. */
  fill(leaveBytes?: number): string;
  unmount(): void;
}

/** Mounts a tmpfs of `sizeBytes` (needs root, or CAP_SYS_ADMIN). */
export function mountSmallDisk(sizeBytes: number): SmallDisk {
  const directory = mkdtempSync(join(tmpdir(), 'fieldnode-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', directory], { stdio: 'pipe' });
  } catch (error) {
    rmdirSync(directory);
    throw error;
  }
  let fillers = 0;
  const free = () => {
    const stats = statfsSync(directory);
    return stats.bavail * stats.bsize;
  };
  return {
    directory,
    free,
    fill(leaveBytes = 0) {
      const path = join(directory, `filler-${++fillers}`);
      const fd = openSync(path, 'w');
      try {
        for (const chunk of [65_536, 4096]) {
          const buffer = Buffer.alloc(chunk, 0xa5);
          while (free() - chunk >= leaveBytes) {
            try {
              writeSync(fd, buffer);
            } catch (error) {
              if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
              throw error;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
      return path;
    },
    unmount() {
      execFileSync('umount', ['-l', directory], { stdio: 'pipe' });
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Whether this process can mount a tmpfs, and if not, why: decided once, before the tests are declared. */
export function canMountSmallDisk(): { available: boolean; reason: string } {
  try {
    mountSmallDisk(64 * 1024).unmount();
    return { available: true, reason: '' };
  } catch (error) {
    const message = ((error as { stderr?: Buffer }).stderr?.toString() || (error as Error).message).trim().split('\n')[0];
    return { available: false, reason: `cannot mount a small tmpfs (${message}): run as root to test a full disk` };
  }
}
