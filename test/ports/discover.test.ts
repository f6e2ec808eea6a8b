import { chmodSync, chownSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listBoardProfiles } from '../../src/boards/load.js';
import { discoverPorts, identify, type DiscoveredPort } from '../../src/ports/discover.js';
import { findUdevadm, queryUdevadm } from '../../src/ports/udevadm.js';
import { createPtyPair, type PtyPair } from '../../simulators/transports/pty.js';
import { describeWithBinary } from '../support/binaries.js';
import { describeNeeding } from '../support/needs.js';
import { createFakeTree, type FakeTree } from './fake-tree.js';

/** Someone who is neither root nor in any group of the tree. */
const STRANGER = { uid: 4242, gids: [4242] };

let tree: FakeTree;
beforeEach(() => {
  tree = createFakeTree();
});
afterEach(() => tree.remove());

const byName = (ports: readonly DiscoveredPort[], name: string) => ports.find((port) => port.path === join(tree.devRoot, name));

describe('discoverPorts on a sysfs and /dev tree', () => {
  it('lists the USB-serial devices and the on-board UART, leaving out placeholders and consoles', async () => {
    const { ports, notes } = await discoverPorts({ sysRoot: tree.sysRoot, devRoot: tree.devRoot, useUdevadm: false });
    expect(ports.map((port) => port.path)).toEqual(['ttyACM0', 'ttyAMA0', 'ttyUSB0', 'ttyUSB1', 'ttyUSB2'].map((name) => join(tree.devRoot, name)));
    expect(notes).toEqual([]);
  });

  it('reads every field of each device', async () => {
    const { ports } = await discoverPorts({ sysRoot: tree.sysRoot, devRoot: tree.devRoot, useUdevadm: false });
    const byId = (link: string) => join(tree.devRoot, 'serial/by-id', link);
    const byPath = (link: string) => join(tree.devRoot, 'serial/by-path', `platform-fd500000.pcie-pci-0000:01:00.0-usb-0:${link}`);
    const open = { canOpen: true };
    expect(byName(ports, 'ttyUSB1')).toEqual({
      path: join(tree.devRoot, 'ttyUSB1'),
      byId: byId('usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0'),
      byPath: byPath('1.3:1.0-port0'),
      vendorId: '0403',
      productId: '6001',
      serialNumber: 'A50285BI',
      manufacturer: 'FTDI',
      product: 'FT232R USB UART',
      driver: 'ftdi_sio',
      identifiedAs: [
        { kind: 'board', id: 'arduino-nano', name: 'Arduino Nano' },
        { kind: 'adapter', id: 'ft232r', name: 'FTDI FT232R/FT232BM USB-serial' },
      ],
      access: open,
      source: 'sysfs',
    });
    expect(byName(ports, 'ttyUSB2')).toEqual({
      path: join(tree.devRoot, 'ttyUSB2'),
      byId: byId('usb-Silicon_Labs_CP2102_USB_to_UART_Bridge_Controller_0001-if00-port0'),
      byPath: byPath('1.4:1.0-port0'),
      vendorId: '10c4',
      productId: 'ea60',
      serialNumber: '0001',
      manufacturer: 'Silicon Labs',
      product: 'CP2102 USB to UART Bridge Controller',
      driver: 'cp210x',
      identifiedAs: [{ kind: 'adapter', id: 'cp210x', name: 'Silicon Labs CP2102/CP2104/CP2102N USB-serial' }],
      access: open,
      source: 'sysfs',
    });
    expect(byName(ports, 'ttyACM0')).toEqual({
      path: join(tree.devRoot, 'ttyACM0'),
      byId: byId('usb-Arduino__www.arduino.cc__0043_95735353032351E0E1C1-if00'),
      byPath: byPath('1.1:1.0'),
      vendorId: '2341',
      productId: '0043',
      serialNumber: '95735353032351E0E1C1',
      manufacturer: 'Arduino (www.arduino.cc)',
      driver: 'cdc_acm',
      // The profile names it; the vendor-wide "an Arduino board" would say less.
      identifiedAs: [{ kind: 'board', id: 'arduino-uno', name: 'Arduino Uno R3' }],
      access: open,
      source: 'sysfs',
    });
    expect(byName(ports, 'ttyAMA0')).toEqual({ path: join(tree.devRoot, 'ttyAMA0'), driver: 'uart-pl011', identifiedAs: [], access: open, source: 'sysfs' });
    const clone = byName(ports, 'ttyUSB0')!;
    expect(clone).toMatchObject({ byId: byId('usb-1a86_USB2.0-Serial-if00-port0'), byPath: byPath('1.2:1.0-port0'), vendorId: '1a86', productId: '7523', product: 'USB2.0-Serial', driver: 'ch341-uart' });
    // A CH340 has no serial number, and this one no manufacturer string: absent, not empty.
    expect(clone).not.toHaveProperty('serialNumber');
    expect(clone).not.toHaveProperty('manufacturer');
  });

  it('names every board whose profile lists the shared CH340 id, then the chip', async () => {
    const { ports } = await discoverPorts({ sysRoot: tree.sysRoot, devRoot: tree.devRoot, useUdevadm: false });
    const withCh340 = listBoardProfiles()
      .filter((profile) => profile.usb.some((usb) => usb.vendorId === '1a86' && usb.productId === '7523'))
      .map((profile) => ({ kind: 'board', id: profile.id, name: profile.name }));
    expect(withCh340.map((board) => board.id)).toEqual(expect.arrayContaining(['arduino-uno', 'arduino-nano']));
    expect(byName(ports, 'ttyUSB0')!.identifiedAs).toEqual([...withCh340, { kind: 'adapter', id: 'ch340', name: 'WCH CH340/CH341 USB-serial' }]);
  });

  it('names an Arduino no profile lists by its maker', async () => {
    const leonardo = identify('2341', '8036', listBoardProfiles());
    expect(leonardo).toEqual([{ kind: 'adapter', id: 'arduino', name: 'an Arduino board (Arduino LLC USB id)' }]);
  });

  it('says why nothing is found when the tree has no serial ports', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'fieldnode-empty-'));
    try {
      const { ports, notes } = await discoverPorts({ sysRoot: join(empty, 'sys'), devRoot: join(empty, 'dev'), useUdevadm: false });
      expect(ports).toEqual([]);
      expect(notes).toEqual([`cannot read ${join(empty, 'sys/class/tty')} (ENOENT)`, `cannot read ${join(empty, 'dev')} (ENOENT)`]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('reads sysfs and says so when udevadm is not found', async () => {
    const nowhere = mkdtempSync(join(tmpdir(), 'fieldnode-no-udevadm-'));
    try {
      const { ports, notes } = await discoverPorts({ sysRoot: tree.sysRoot, devRoot: tree.devRoot, searchPath: nowhere });
      expect(notes).toEqual([`udevadm was not found: USB details were read from ${join(tree.sysRoot, 'class/tty')} directly`]);
      expect(byName(ports, 'ttyUSB1')).toMatchObject({ serialNumber: 'A50285BI', source: 'sysfs' });
    } finally {
      rmSync(nowhere, { recursive: true, force: true });
    }
  });

  it("prefers udev's properties, decoding its escapes, and fills the gaps from sysfs", async () => {
    // A udevadm that answers for ttyUSB0 as udev does for a CH340 whose strings it knows.
    const udevadm = join(tree.root, 'udevadm');
    const properties = [
      'DEVNAME=/dev/ttyUSB0',
      'ID_VENDOR_ID=1a86',
      'ID_MODEL_ID=7523',
      'ID_VENDOR_ENC=QinHeng\\x20Electronics',
      'ID_MODEL_ENC=7523',
      'ID_SERIAL_SHORT=12345',
      'ID_USB_DRIVER=ch341',
      'DEVLINKS=/dev/serial/by-path/platform-xhci-usb-0:1.2:1.0-port0 /dev/serial/by-id/usb-1a86_USB_Serial-if00-port0',
    ];
    writeFileSync(udevadm, `#!/bin/sh\ncase "$3" in *ttyUSB0) printf '%s\\n' ${properties.map((line) => `'${line}'`).join(' ')} ;; *) echo 'Unknown device' >&2; exit 1 ;; esac\n`);
    chmodSync(udevadm, 0o755);
    const { ports } = await discoverPorts({ sysRoot: tree.sysRoot, devRoot: tree.devRoot, udevadm });
    expect(byName(ports, 'ttyUSB0')).toMatchObject({
      // The tree's own links come first: they are where this device tree has them.
      byId: join(tree.devRoot, 'serial/by-id/usb-1a86_USB2.0-Serial-if00-port0'),
      serialNumber: '12345',
      manufacturer: 'QinHeng Electronics',
      // udev put the id where the product string would be: the device has none, so sysfs's name stays.
      product: 'USB2.0-Serial',
      driver: 'ch341',
      source: 'udevadm',
    });
    expect(byName(ports, 'ttyUSB1')).toMatchObject({ manufacturer: 'FTDI', source: 'sysfs' });
  });
});

/** The gid of Debian's serial group, when this system has one. */
const DIALOUT = readFileSync('/etc/group', 'utf8')
  .split('\n')
  .map((line) => line.split(':'))
  .find((fields) => fields[0] === 'dialout')?.[2];

describeNeeding(process.getuid?.() === 0 && DIALOUT !== undefined, 'root and a dialout group', 'giving a file to root:dialout needs root and a dialout group', 'a port in group dialout', () => {
  it('gives the group to join when the node is root:dialout 0660 and the user is not in dialout', async () => {
    const node = join(tree.devRoot, 'ttyUSB1');
    chownSync(node, 0, Number(DIALOUT));
    chmodSync(node, 0o660);
    const outsider = await discoverPorts({ sysRoot: tree.sysRoot, devRoot: tree.devRoot, useUdevadm: false, identity: STRANGER });
    expect(byName(outsider.ports, 'ttyUSB1')!.access).toEqual({
      canOpen: false,
      advice: `${realpathSync(node)} (-rw-rw----, owner root, group dialout) can be opened by group "dialout": add the user to it (sudo usermod -aG dialout $USER, then log in again)`,
    });
    // The other ports stay open to everyone (0666).
    expect(byName(outsider.ports, 'ttyUSB2')!.access).toEqual({ canOpen: true });

    const member = await discoverPorts({ sysRoot: tree.sysRoot, devRoot: tree.devRoot, useUdevadm: false, identity: { uid: STRANGER.uid, gids: [STRANGER.uid, Number(DIALOUT)] } });
    expect(byName(member.ports, 'ttyUSB1')!.access).toEqual({ canOpen: true });
  });
});

describe('who may open a port', () => {
  it('asks for a udev rule when the group may not read and write the node', async () => {
    const node = join(tree.devRoot, 'ttyACM0');
    chmodSync(node, 0o600);
    const { ports } = await discoverPorts({ sysRoot: tree.sysRoot, devRoot: tree.devRoot, useUdevadm: false, identity: STRANGER });
    const access = byName(ports, 'ttyACM0')!.access;
    expect(access.canOpen).toBe(false);
    expect(access.advice).toMatch(/cannot be read and written by its group, so joining a group does not help: give the device a group and mode with a udev rule \(e\.g\. SUBSYSTEM=="tty", GROUP="\w+", MODE="0660"/);
  });

  it('says a port whose node is gone does not exist', async () => {
    rmSync(join(tree.devRoot, 'ttyUSB2'));
    const { ports } = await discoverPorts({ sysRoot: tree.sysRoot, devRoot: tree.devRoot, useUdevadm: false });
    expect(byName(ports, 'ttyUSB2')!.access).toEqual({ canOpen: false, advice: expect.stringContaining('check the cable and the path') });
  });
});

describeWithBinary('socat', 'socat', 'a real pty in the device tree', () => {
  let pty: PtyPair | undefined;
  afterEach(async () => {
    await pty?.close();
    pty = undefined;
  });

  it('is listed, and its access is judged on the real device file behind the link', async () => {
    pty = await createPtyPair();
    const device = realpathSync(pty.hostPath);
    symlinkSync(device, join(tree.devRoot, 'ttyUSB9'));
    const mine = await discoverPorts({ sysRoot: tree.sysRoot, devRoot: tree.devRoot, useUdevadm: false });
    expect(byName(mine.ports, 'ttyUSB9')).toEqual({ path: join(tree.devRoot, 'ttyUSB9'), identifiedAs: [], access: { canOpen: true }, source: 'sysfs' });

    chmodSync(device, 0o600);
    const theirs = await discoverPorts({ sysRoot: tree.sysRoot, devRoot: tree.devRoot, useUdevadm: false, identity: STRANGER });
    const access = byName(theirs.ports, 'ttyUSB9')!.access;
    expect(access.canOpen).toBe(false);
    expect(access.advice).toContain(`${device} (crw-------, owner `);
  });
});

describeWithBinary('udevadm', 'udev', 'discovery through udevadm', () => {
  it('asks udev about each port of this machine, and reads sysfs for a node udev does not know', async () => {
    const udevadm = findUdevadm()!;
    const nullDevice = await queryUdevadm(udevadm, '/dev/null');
    expect(nullDevice?.get('DEVNAME')).toBe('/dev/null');
    expect(await queryUdevadm(udevadm, join(tree.devRoot, 'ttyUSB1'))).toBeUndefined();

    const real = await discoverPorts();
    const direct = await discoverPorts({ useUdevadm: false });
    expect(real.notes).not.toContainEqual(expect.stringContaining('udevadm was not found'));
    expect(real.ports.map((port) => port.path)).toEqual(direct.ports.map((port) => port.path));
    for (const port of real.ports) expect(port.source).toBe((await queryUdevadm(udevadm, port.path)) ? 'udevadm' : 'sysfs');

    const fake = await discoverPorts({ sysRoot: tree.sysRoot, devRoot: tree.devRoot });
    expect(byName(fake.ports, 'ttyUSB1')).toMatchObject({ serialNumber: 'A50285BI', source: 'sysfs' });
  });
});
