/**
 * `fieldnode flash` against a board that behaves like a freshly reset Uno: the optiboot
 * bootloader (built from Debian's source) runs in the emulated ATmega328P behind a pty, and
 * Debian's avrdude writes the weather-station .hex through it, page by page, with SPM. Then,
 * as on the bench, opening the port resets the board: optiboot waits for a host, its
 * watchdog expires, and the new sketch starts and names itself in its first line. The old
 * Nano's ATmegaBOOT (Debian's image as shipped) takes the same path at 57600 baud.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SerialPort } from 'serialport';
import { validateConfig } from '../../src/config/load.js';
import { FieldnodeConsumer, type SessionMessage } from '../../src/consumer/consumer.js';
import { parseFirmwareBanner } from '../../src/drivers/lines/banner.js';
import { FieldNode } from '../../src/node.js';
import { startEmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import { Atmega328pBoard, bootSections } from '../../simulators/bootloader/atmega328p-board.js';
import { buildUnoOptiboot, canBuildOptiboot, DEBIAN_ARDUINO_AVR } from '../../simulators/bootloader/build-optiboot.js';
import { serveOnPty, type DtrResetPty } from '../../simulators/bootloader/dtr-reset-pty.js';
import { parseIntelHex } from '../../simulators/firmware/intel-hex.js';
import { firmwareHexPath } from '../../simulators/firmware/sketches.js';
import { findBinary } from '../support/binaries.js';
import { runCli } from '../support/cli.js';
import { waitUntil } from '../support/collector.js';
import { avrToolchainMissing } from '../support/firmware.js';
import { describeNeeding } from '../support/needs.js';

const BOOT_START = 0x7e00;
const FLASH_BYTES = 32 * 1024;

/** Opens the port as a technician's terminal would (which resets the board) and returns the sketch's first line. */
async function firstLineAt(path: string): Promise<string> {
  const port = new SerialPort({ path, baudRate: 9600 });
  let text = '';
  port.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  try {
    await waitUntil(() => text.includes('\n'), 15_000, () => `a line from the sketch (so far ${JSON.stringify(text)})`);
  } finally {
    await new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
  }
  return text.slice(0, text.indexOf('\n')).replace(/\r$/, '');
}

function missing(): string | undefined {
  if (!findBinary('avrdude')) return 'avrdude is not installed (apt-get install avrdude)';
  if (!findBinary('socat')) return 'socat is not installed (apt-get install socat)';
  if (!canBuildOptiboot()) return 'optiboot cannot be built here (apt-get install gcc-avr avr-libc arduino-core-avr)';
  return avrToolchainMissing();
}

describeNeeding(missing() === undefined, 'avrdude, socat and the AVR toolchain', missing() ?? '', 'fieldnode flash through an emulated Uno bootloader', () => {
  let board: Atmega328pBoard;
  let pty: DtrResetPty;
  let bootloader: Uint8Array;
  const hexPath = firmwareHexPath('weather-station', 'arduino-uno');

  beforeAll(async () => {
    const optiboot = await buildUnoOptiboot();
    bootloader = parseIntelHex(optiboot, FLASH_BYTES).bytes.slice(BOOT_START);
    board = new Atmega328pBoard(optiboot);
    board.start();
    pty = await serveOnPty(board);
  }, 60_000);

  afterAll(async () => {
    board?.stop();
    await pty?.close();
  });

  it('writes the sketch with avrdude through optiboot, which leaves itself intact', async () => {
    const result = await runCli(['flash', '--board', 'arduino-uno', '--sketch', 'weather-station', '--port', pty.path]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`avrdude -patmega328p -carduino -P${pty.path} -b115200 -D -Uflash:w:${hexPath}:i`);
    expect(result.stderr).toMatch(/\d+ bytes of flash verified/);
    const image = parseIntelHex(readFileSync(hexPath, 'utf8'), FLASH_BYTES);
    const flash = board.flashBytes();
    expect(Buffer.from(flash.subarray(0, image.end)).equals(Buffer.from(image.bytes.subarray(0, image.end)))).toBe(true);
    expect(Buffer.from(flash.subarray(BOOT_START)).equals(Buffer.from(bootloader))).toBe(true);
    const summary = /flashed (\d+) bytes from .* in ([\d.]+) s/.exec(result.stderr);
    expect(Number(summary?.[1])).toBe(image.end);
    expect(board.activity.pagesWritten).toBe(Math.ceil(image.end / 128));
    // The figures: how long a flash of this sketch takes through the bootloader.
    console.log(`flash-optiboot: ${summary?.[1]} bytes, ${board.activity.pagesWritten} pages in ${summary?.[2]} s (avrdude, optiboot at 115200 baud on a pty)`);
  }, 60_000);

  it('then starts the sketch when the port is opened, whose first line names the firmware just flashed', async () => {
    await pty.free();
    const resetsBefore = board.activity.resets.length;
    const firstLine = await firstLineAt(pty.path);
    const stamped = readFileSync(hexPath.replace(/weather-station\/arduino-uno\.hex$/, '.build/version'), 'utf8').trim();
    expect(parseFirmwareBanner(firstLine)).toEqual({ sketch: 'weather-station', version: stamped, board: 'arduino-uno' });
    // Opening the port reset the board (DTR); optiboot's watchdog then started the sketch.
    expect(board.activity.resets.slice(resetsBefore)).toEqual(['external', 'watchdog']);
  }, 30_000);

  it("gives the board's birth the firmware it runs, and a new birth after each reset", async () => {
    await pty.free();
    const stamped = readFileSync(hexPath.replace(/weather-station\/arduino-uno\.hex$/, '.build/version'), 'utf8').trim();
    const broker = await startEmbeddedBroker();
    const sessions: SessionMessage[] = [];
    const consumer = await FieldnodeConsumer.connect(broker.url, { onPack: () => undefined, onSession: (message) => sessions.push(message) });
    const node = new FieldNode(
      validateConfig({
        dataDir: join(mkdtempSync(join(tmpdir(), 'fieldnode-flashed-')), 'data'),
        node: { id: 'flashed-node', site: 'bench' },
        broker: { url: broker.url, protocol: '3.1.1' },
        boards: [{ id: 'uno', port: pty.path, device: { type: 'lines', baud: 9600 }, sensors: [{ name: 'temperature', unit: 'Cel', key: 't' }] }],
      }),
    );
    const firmwareBirths = () => sessions.filter((message) => message.kind === 'birth' && message.board === 'uno' && message.body['firmware'] !== undefined);
    try {
      await node.start();
      // The node's open reset the board: the bootloader waited, then the sketch printed its banner.
      await waitUntil(() => firmwareBirths().length >= 1, 15_000, () => 'a birth of board uno with its firmware');
      expect(firmwareBirths()[0]!.body).toMatchObject({ board: 'uno', device: 'lines', source: pty.path, firmware: { sketch: 'weather-station', version: stamped, board: 'arduino-uno' } });
      // The reset button: the sketch starts again, and says so.
      board.reset('external');
      await waitUntil(() => firmwareBirths().length >= 2, 15_000, () => `a second birth after the reset (resets ${board.activity.resets.join(', ')}; sessions ${JSON.stringify(sessions.map((m) => [m.kind, m.board, m.body['firmware'] ?? m.body['state']]))})`);
      expect(firmwareBirths()[1]!.body['firmware']).toEqual(firmwareBirths()[0]!.body['firmware']);
    } finally {
      await node.stop();
      await consumer.close();
      await broker.close();
    }
  }, 60_000);
});

describeNeeding(missing() === undefined, 'avrdude, socat and the AVR toolchain', missing() ?? '', 'fieldnode flash through an old Nano bootloader', () => {
  it('writes lines-analog through ATmegaBOOT at 57600 baud, and the sketch then names itself', async () => {
    const board = new Atmega328pBoard(readFileSync(join(DEBIAN_ARDUINO_AVR, 'bootloaders/atmega/ATmegaBOOT_168_atmega328.hex'), 'utf8'), bootSections.nano);
    board.start();
    const pty = await serveOnPty(board);
    const hexPath = firmwareHexPath('lines-analog', 'arduino-nano');
    try {
      const result = await runCli(['flash', '--board', 'arduino-nano', '--bootloader', 'atmegaboot', '--sketch', 'lines-analog', '--port', pty.path]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(`-b57600`);
      const image = parseIntelHex(readFileSync(hexPath, 'utf8'), FLASH_BYTES);
      expect(Buffer.from(board.flashBytes().subarray(0, image.end)).equals(Buffer.from(image.bytes.subarray(0, image.end)))).toBe(true);
      console.log(`flash-atmegaboot: ${/flashed (\d+) bytes .* in ([\d.]+) s/.exec(result.stderr)?.slice(1).join(' bytes in ')} s (avrdude, ATmegaBOOT at 57600 baud on a pty)`);
      await pty.free();
      expect(parseFirmwareBanner(await firstLineAt(pty.path))).toMatchObject({ sketch: 'lines-analog', board: 'arduino-nano' });
    } finally {
      board.stop();
      await pty.close();
    }
  }, 60_000);
});
