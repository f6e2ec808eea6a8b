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
    expect(client.pins[2]!.supportedModes).toContain(client.MODES['SERVO']);
    expect(client.pins[0]!.supportedModes).toEqual([]);
    expect(client.pins[1]!.supportedModes).toEqual([]);
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

/** What the twin writes back for `query`, straight from the device (no client in between). */
function answerTo(query: number[], options: Partial<FirmataBoardOptions> = {}): Buffer {
  const written: Buffer[] = [];
  const board = new FirmataBoard(z.strictObject(firmataBoardOptionsShape).parse(options), { write: (data) => (written.push(data), true) }, systemClock);
  board.start();
  written.length = 0; // the reset announcement
  board.receive(Buffer.from(query));
  board.stop();
  return Buffer.concat(written);
}

const CAPABILITY_QUERY = [0xf0, 0x6b, 0xf7];
const pinState = (pin: number) => [0xf0, 0x6d, pin, 0xf7];
const setMode = (pin: number, mode: number) => [0xf4, pin, mode];

describe('Firmata twin: the bytes StandardFirmata 2.5 sends', () => {
  // StandardFirmata.ino, `case CAPABILITY_QUERY`: per pin, INPUT 1, PULLUP 1, OUTPUT 1 if
  // IS_PIN_DIGITAL; ANALOG 10 if IS_PIN_ANALOG; PWM 8 if IS_PIN_PWM; SERVO 14 if
  // IS_PIN_DIGITAL; I2C 1 if IS_PIN_I2C; then 127. Boards.h, ATmega328P: digital 2-19, analog
  // 14-19, PWM 3 5 6 9 10 11, I2C 18 19; pins 0 and 1 (RX, TX) list nothing.
  const digital = [0x00, 1, 0x0b, 1, 0x01, 1];
  const analog = [0x02, 10];
  const pwm = [0x03, 8];
  const servo = [0x04, 14];
  const i2c = [0x06, 1];
  const unoPins = [
    [], // 0 RX
    [], // 1 TX
    [...digital, ...servo], // 2
    [...digital, ...pwm, ...servo], // 3
    [...digital, ...servo], // 4
    [...digital, ...pwm, ...servo], // 5
    [...digital, ...pwm, ...servo], // 6
    [...digital, ...servo], // 7
    [...digital, ...servo], // 8
    [...digital, ...pwm, ...servo], // 9
    [...digital, ...pwm, ...servo], // 10
    [...digital, ...pwm, ...servo], // 11
    [...digital, ...servo], // 12
    [...digital, ...servo], // 13
    [...digital, ...analog, ...servo], // 14 A0
    [...digital, ...analog, ...servo], // 15 A1
    [...digital, ...analog, ...servo], // 16 A2
    [...digital, ...analog, ...servo], // 17 A3
    [...digital, ...analog, ...servo, ...i2c], // 18 A4 SDA
    [...digital, ...analog, ...servo, ...i2c], // 19 A5 SCL
  ];
  const UNO_CAPABILITIES =
    'f06c7f7f' +
    '00010b010101040e7f' + '00010b0101010308040e7f' + '00010b010101040e7f' + '00010b0101010308040e7f' + '00010b0101010308040e7f' + // 2-6
    '00010b010101040e7f' + '00010b010101040e7f' + '00010b0101010308040e7f' + '00010b0101010308040e7f' + '00010b0101010308040e7f' + // 7-11
    '00010b010101040e7f' + '00010b010101040e7f' + // 12, 13
    '00010b010101020a040e7f'.repeat(4) + // 14-17
    '00010b010101020a040e06017f'.repeat(2) + // 18, 19
    'f7';

  it('answers an Uno capability query with the 195 bytes of the firmware, pin by pin', () => {
    const answer = answerTo(CAPABILITY_QUERY, { board: 'uno' });
    expect(answer).toHaveLength(195);
    expect(answer.toString('hex')).toBe(UNO_CAPABILITIES);
    expect([...answer]).toEqual([0xf0, 0x6c, ...unoPins.flatMap((modes) => [...modes, 0x7f]), 0xf7]);
  });

  it('answers for the Nano (A6, A7 analog only) and the Mega (digital 2-69, PWM 2-13 and 44-46, I2C 20 21)', () => {
    const nano = answerTo(CAPABILITY_QUERY, { board: 'nano' });
    expect(nano.toString('hex')).toBe(`${UNO_CAPABILITIES.slice(0, -2)}020a7f020a7ff7`);
    expect(nano).toHaveLength(201);
    const mega = [...answerTo(CAPABILITY_QUERY, { board: 'mega' })];
    expect(mega).toHaveLength(683);
    const pins: number[][] = [];
    for (let at = 2, pin: number[] = []; at < mega.length - 1; at++) {
      if (mega[at] === 0x7f) pins.push(pin.splice(0));
      else pin.push(mega[at]!);
    }
    expect(pins).toHaveLength(70);
    expect(pins.slice(0, 2)).toEqual([[], []]);
    expect(pins[13]).toEqual([...digital, ...pwm, ...servo]);
    expect(pins[14]).toEqual([...digital, ...servo]);
    expect(pins[20]).toEqual([...digital, ...servo, ...i2c]);
    expect(pins[44]).toEqual([...digital, ...pwm, ...servo]);
    expect(pins[69]).toEqual([...digital, ...analog, ...servo]);
  });

  it('maps analog channels to the pins that list ANALOG, and nothing else', () => {
    expect([...answerTo([0xf0, 0x69, 0xf7], { board: 'uno' })]).toEqual([0xf0, 0x6a, ...Array(14).fill(0x7f), 0, 1, 2, 3, 4, 5, 0xf7]);
    expect([...answerTo([0xf0, 0x69, 0xf7], { board: 'nano' })].slice(16, -1)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('keeps pin states consistent with the capabilities: RX, TX unconfigured, unlisted modes refused', () => {
    // systemResetCallback leaves RX and TX at pinConfig's initial 0 (INPUT), digital pins OUTPUT, analog pins ANALOG.
    expect([...answerTo(pinState(0))]).toEqual([0xf0, 0x6e, 0, 0x00, 0, 0xf7]);
    expect([...answerTo(pinState(2))]).toEqual([0xf0, 0x6e, 2, 0x01, 0, 0xf7]);
    expect([...answerTo(pinState(14))]).toEqual([0xf0, 0x6e, 14, 0x02, 0, 0xf7]);
    // setPinModeCallback ignores modes a pin lacks: OUTPUT on TX, PWM on 2, ANALOG on 2.
    expect([...answerTo([...setMode(1, 0x01), ...pinState(1)])]).toEqual([0xf0, 0x6e, 1, 0x00, 0, 0xf7]);
    expect([...answerTo([...setMode(2, 0x03), ...setMode(2, 0x02), ...pinState(2)])]).toEqual([0xf0, 0x6e, 2, 0x01, 0, 0xf7]);
    // PULLUP sets the pin state to 1; servo is accepted on a pin without PWM.
    expect([...answerTo([...setMode(2, 0x0b), ...pinState(2)])]).toEqual([0xf0, 0x6e, 2, 0x0b, 1, 0xf7]);
    expect([...answerTo([...setMode(4, 0x04), ...pinState(4)])]).toEqual([0xf0, 0x6e, 4, 0x04, 0, 0xf7]);
    // A pin past TOTAL_PINS is answered with its number alone.
    expect([...answerTo(pinState(20))]).toEqual([0xf0, 0x6e, 20, 0xf7]);
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
