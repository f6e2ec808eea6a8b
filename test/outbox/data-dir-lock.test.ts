import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outboxPath } from '../../src/node.js';
import { DataDirLockedError, lockDataDir, PID_FILE } from '../../src/outbox/data-dir-lock.js';
import { weatherStationConfig } from '../e2e/support.js';
import { simulatedNode } from '../support/simulated-node.js';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'fieldnode-lock-')), 'ws-01');

describe('data directory lock', () => {
  it('refuses a second holder in the same process, naming the first one and the directory', () => {
    const directory = fresh();
    const first = lockDataDir(directory, 4242);
    expect(readFileSync(join(directory, PID_FILE), 'utf8')).toBe('4242\n');
    expect(readdirSync(directory).sort()).toEqual(['node.lock', 'node.pid']);
    const second = (() => {
      try {
        lockDataDir(directory);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(second).toBeInstanceOf(DataDirLockedError);
    expect((second as DataDirLockedError).holderPid).toBe(4242);
    expect((second as Error).message).toBe(`another process (PID 4242) is running a node on ${directory}: one node per data directory; stop that one first, or give this one another dataDir`);
    first.release();
  });

  it('is free again after release, and releasing twice is harmless', () => {
    const directory = fresh();
    const first = lockDataDir(directory);
    first.release();
    first.release();
    expect(existsSync(join(directory, PID_FILE))).toBe(false);
    const again = lockDataDir(directory);
    expect(readFileSync(join(directory, PID_FILE), 'utf8')).toBe(`${process.pid}\n`);
    again.release();
  });

  // A path through a plain file cannot become a directory, even for root (which writes anywhere else).
  it('explains a directory it cannot create', () => {
    const parent = mkdtempSync(join(tmpdir(), 'fieldnode-lock-'));
    writeFileSync(join(parent, 'not-a-directory'), '');
    expect(() => lockDataDir(join(parent, 'not-a-directory', 'ws-01'))).toThrow(/^cannot lock the data directory .*not-a-directory\/ws-01 \(ENOTDIR\): make it a directory the node may write$/);
  });

  it('keeps a second node off a running node\'s outbox, and lets it start once the first stopped', async () => {
    const config = weatherStationConfig({ brokerUrl: 'mqtt://127.0.0.1:1', nodeId: 'lock-node', board: { simulator: { device: 'weather-station', intervalMs: 50 } } });
    const first = simulatedNode(config);
    const second = simulatedNode(config);
    await first.start();
    await expect(second.start()).rejects.toThrow(`another process (PID ${process.pid}) is running a node on ${join(config.dataDir, 'lock-node')}`);
    await first.stop();
    await first.stop();
    await second.start();
    expect(second.boot).toBe(2);
    await second.stop();
    expect(existsSync(outboxPath(config))).toBe(true);
  });
});
