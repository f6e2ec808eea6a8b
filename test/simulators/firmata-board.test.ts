/**
 * The Firmata twin against the firmata client johnny-five uses (firmata-io), unmodified, over
 * serialport's mock binding: what its models put on its pins, exactly. The protocol contract
 * that a real board keeps too is in test/contracts/.
 */
import { MockBinding, type MockPortBinding } from '@serialport/binding-mock';
import { SerialPortStream } from '@serialport/stream';
import firmataIo from 'firmata-io';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { FirmataBoard, firmataBoardOptionsShape, type FirmataBoardOptions } from '../../simulators/devices/firmata-board.js';
import { createRequire } from 'node:module';
import { z } from 'zod';
import { waitUntil } from '../support/collector.js';

let counter = 0;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A firmata client connected to a simulated board through a mock serial port. */
async function connect(options: Partial<FirmataBoardOptions> = {}) {
  const path = `/dev/fieldnode-firmata-${process.pid}-${counter++}`;
  MockBinding.createPort(path, { echo: false, record: false });
  const port = new SerialPortStream({ binding: MockBinding, path, baudRate: 57600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  const binding = port.port as unknown as MockPortBinding;
  const board = new FirmataBoard(z.strictObject(firmataBoardOptionsShape).parse(options), { write: (data) => (binding.emitData(data), true) }, systemClock);
  binding.write = async (data: Buffer) => board.receive(Buffer.from(data));
  const client = new firmataIo.Firmata(port);
  board.start();
  cleanups.push(async () => {
    board.stop();
    await new Promise<void>((resolve) => port.close(() => resolve()));
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the firmata client never became ready')), 3000);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return { client, board };
}

describe('Firmata twin with the firmata client', () => {
  it('is ready without waiting for the 5 s version timeout, and reports its firmware and pins', async () => {
    const started = Date.now();
    const { client } = await connect({ board: 'uno' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(client.firmware.name).toBe('StandardFirmata.ino');
    expect(client.version).toEqual({ major: 2, minor: 5 });
    expect(client.pins).toHaveLength(20);
    expect(client.analogPins).toEqual([14, 15, 16, 17, 18, 19]);
    expect(client.pins[3]!.supportedModes).toEqual(expect.arrayContaining([client.MODES['PWM']!, client.MODES['SERVO']!]));
    expect(client.pins[14]!.analogChannel).toBe(0);
  });

  it('describes a Mega and a Nano (analog-only A6, A7)', async () => {
    const mega = await connect({ board: 'mega' });
    expect(mega.client.pins).toHaveLength(70);
    expect(mega.client.analogPins).toHaveLength(16);
    const nano = await connect({ board: 'nano' });
    expect(nano.client.analogPins).toEqual([14, 15, 16, 17, 18, 19, 20, 21]);
    expect(nano.client.pins[20]!.supportedModes).toEqual([nano.client.MODES['ANALOG']]);
  });

  it('reports the thermometer at the sampling interval, as the LM35 reads the model', async () => {
    const { client, board } = await connect({ thermometer: { channel: 0, sensor: 'LM35' } });
    client.setSamplingInterval(20);
    const values: { raw: number; temperature: number | undefined }[] = [];
    client.analogRead(0, (raw) => values.push({ raw, temperature: board.lastTemperature }));
    await waitUntil(() => values.length >= 10);
    for (const { raw, temperature } of values) expect(raw).toBe(Math.round(((temperature! / 100) / 5) * 1023));
  });

  it('reports every bucket tip on the rain gauge pin', async () => {
    const { client, board } = await connect({ rainGauge: { pin: 2, tipsPerHour: 36_000 } });
    let tips = 0;
    board.onTip(() => tips++);
    client.pinMode(2, client.MODES['PULLUP']!);
    let falls = 0;
    let last = 1;
    client.digitalRead(2, (value) => {
      if (last === 1 && value === 0) falls++;
      last = value;
    });
    await waitUntil(() => tips >= 8, 5000);
    board.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(falls).toBe(tips);
  });
});

describe('johnny-five on the Firmata twin', () => {
  it('reads the simulated LM35 through a johnny-five Thermometer, within the sensor resolution', async () => {
    const five = createRequire(import.meta.url)('johnny-five') as JohnnyFive;
    const { client, board } = await connect({ thermometer: { channel: 0, sensor: 'LM35' } });
    const j5 = new five.Board({ io: client, repl: false, debug: false });
    await new Promise<void>((resolve) => j5.on('ready', () => resolve()));
    const thermometer = new five.Thermometer({ controller: 'LM35', pin: 'A0', freq: 25, board: j5 });
    const readings: { celsius: number; model: number | undefined }[] = [];
    thermometer.on('data', function (this: { celsius: number }) {
      readings.push({ celsius: this.celsius, model: board.lastTemperature });
    });
    await waitUntil(() => readings.length >= 10, 5000);
    // The twin rounds to the nearest ADC count (0.49 °C for an LM35 at 5 V: 0.245 °C at most),
    // johnny-five's LM35 rounds to whole degrees (0.5 °C at most), and it reports the last
    // sample it saw, which can trail the model's latest by a sampling interval or two on a
    // loaded machine (0.05 °C of sensor noise each): 0.85 °C in all.
    for (const { celsius, model } of readings.slice(2)) expect(Math.abs(celsius - model!)).toBeLessThanOrEqual(0.85);
    thermometer.disable?.();
  });
});

/** The part of johnny-five's API this test uses (it ships no typings). */
interface JohnnyFive {
  Board: new (options: { io: unknown; repl: boolean; debug: boolean }) => { on(event: 'ready', listener: () => void): void };
  Thermometer: new (options: { controller: string; pin: string; freq: number; board: unknown }) => {
    on(event: 'data', listener: (this: { celsius: number }) => void): void;
    disable?(): void;
  };
}
