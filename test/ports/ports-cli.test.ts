import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverPorts } from '../../src/ports/discover.js';
import { runCli } from '../support/cli.js';
import { createFakeTree, type FakeTree } from './fake-tree.js';

let tree: FakeTree;
beforeEach(() => {
  tree = createFakeTree();
});
afterEach(() => tree.remove());

describe('fieldnode ports', () => {
  it('--json prints what discoverPorts finds, as an array of objects', async () => {
    const result = await runCli(['ports', '--json', '--sys-root', tree.sysRoot, '--dev-root', tree.devRoot, '--no-udevadm']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as unknown;
    const { ports } = await discoverPorts({ sysRoot: tree.sysRoot, devRoot: tree.devRoot, useUdevadm: false });
    expect(printed).toEqual(ports);
    expect(ports).toHaveLength(5);
  });

  it('prints one block per port, its stable name and what it is', async () => {
    const result = await runCli(['ports', '--sys-root', tree.sysRoot, '--dev-root', tree.devRoot, '--no-udevadm']);
    expect(result.code).toBe(0);
    const blocks = result.stdout.trimEnd().split('\n\n');
    expect(blocks.map((block) => block.split('\n')[0])).toEqual(['ttyACM0', 'ttyAMA0', 'ttyUSB0', 'ttyUSB1', 'ttyUSB2'].map((name) => join(tree.devRoot, name)));
    expect(blocks[3]).toBe(
      [
        join(tree.devRoot, 'ttyUSB1'),
        `  by-id    ${join(tree.devRoot, 'serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0')}`,
        `  by-path  ${join(tree.devRoot, 'serial/by-path/platform-fd500000.pcie-pci-0000:01:00.0-usb-0:1.3:1.0-port0')}`,
        '  usb      0403:6001  FTDI FT232R USB UART',
        '  serial   A50285BI',
        '  driver   ftdi_sio',
        '  is       Arduino Nano (board arduino-nano); FTDI FT232R/FT232BM USB-serial (adapter ft232r)',
        '  access   ok',
      ].join('\n'),
    );
    expect(blocks[1]).toContain('is      no USB device: an on-board or virtual port');
  });

  it('says what to check when there is no port, and exits 0', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'fieldnode-no-ports-'));
    try {
      const result = await runCli(['ports', '--sys-root', join(empty, 'sys'), '--dev-root', join(empty, 'dev'), '--no-udevadm']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^no serial ports found\. Likely causes:\n.*data cable\n.*not plugged in.*\n.*dmesg/);
      expect(result.stderr).toContain(`fieldnode: note: cannot read ${join(empty, 'sys/class/tty')} (ENOENT)`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('keeps the tree options out of the help', async () => {
    const result = await runCli(['ports', '--help']);
    expect(result.stdout).toContain('--json');
    expect(result.stdout).not.toMatch(/sys-root|dev-root|udevadm/);
  });
});
