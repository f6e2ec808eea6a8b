/**
 * What any board running StandardFirmata does for the firmata client johnny-five uses
 * (firmata-io, unmodified): the contract the Firmata twin is held to, and that a real board
 * keeps. Only behaviour that holds with nothing wired to the board is asserted, so the same
 * suite runs against the twin and against real hardware (TEST_PORT).
 */
import type firmataIo from 'firmata-io';
import { describe, expect, it } from 'vitest';
import { waitUntil } from '../support/collector.js';

export type FirmataClient = InstanceType<typeof firmataIo.Firmata>;

/** A ready client, and how to let go of the board. */
export interface ConnectedBoard {
  readonly client: FirmataClient;
  close(): Promise<void>;
}

/** How long a board may take to become ready: a real one resets on open and boots for ~2 s. */
export const READY_TIMEOUT_MS = 10_000;

/** Resolves when the client is ready, or fails after READY_TIMEOUT_MS. */
export function whenReady(client: FirmataClient): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the firmata client was not ready within ${READY_TIMEOUT_MS} ms: is StandardFirmata on the board, at 57600 baud?`)), READY_TIMEOUT_MS);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The contract, as one describe block; `connect` gives a fresh ready board for each test. */
export function firmataContract(title: string, connect: () => Promise<ConnectedBoard>, digitalPin = 2): void {
  describe(title, () => {
    async function withBoard(test: (client: FirmataClient) => Promise<void>): Promise<void> {
      const board = await connect();
      try {
        await test(board.client);
      } finally {
        await board.close();
      }
    }

    it('announces StandardFirmata with protocol 2.5 or later', () =>
      withBoard(async (client) => {
        expect(client.firmware.name).toMatch(/Firmata/);
        expect(client.version.major).toBe(2);
        expect(client.version.minor).toBeGreaterThanOrEqual(5);
      }));

    it('describes its pins: capabilities and the analog mapping agree', () =>
      withBoard(async (client) => {
        const { MODES } = client;
        expect(client.analogPins.length).toBeGreaterThan(0);
        client.analogPins.forEach((pin, channel) => {
          expect(client.pins[pin]!.analogChannel).toBe(channel);
          expect(client.pins[pin]!.supportedModes).toContain(MODES['ANALOG']);
        });
        expect(client.pins[digitalPin]!.supportedModes).toEqual(expect.arrayContaining([MODES['INPUT'], MODES['OUTPUT'], MODES['PULLUP']]));
        // Digital pins carry no analog channel (127 means none).
        expect(client.pins[digitalPin]!.analogChannel).toBe(127);
      }));

    it('honours a pin mode, as its pin-state answer shows', () =>
      withBoard(async (client) => {
        client.pinMode(digitalPin, client.MODES['PULLUP']!);
        await new Promise<void>((resolve) => client.queryPinState(digitalPin, () => resolve()));
        expect(client.pins[digitalPin]!.mode).toBe(client.MODES['PULLUP']);
      }));

    it('reports an analog pin at the sampling interval, as 10-bit values, and stops when told', () =>
      withBoard(async (client) => {
        client.setSamplingInterval(50);
        const values: number[] = [];
        client.analogRead(0, (value) => values.push(value));
        await sleep(1000);
        // 20 reports a second at 50 ms; timers on either side may stretch or bunch a few.
        expect(values.length).toBeGreaterThanOrEqual(12);
        expect(values.length).toBeLessThanOrEqual(28);
        for (const value of values) expect(Number.isInteger(value) && value >= 0 && value <= 1023).toBe(true);
        client.reportAnalogPin(0, 0);
        await sleep(200);
        const stopped = values.length;
        await sleep(300);
        expect(values.length).toBe(stopped);
      }));

    it("reports a digital input's level as soon as reporting starts", () =>
      withBoard(async (client) => {
        client.pinMode(digitalPin, client.MODES['PULLUP']!);
        const levels: number[] = [];
        client.digitalRead(digitalPin, (value) => levels.push(value));
        await waitUntil(() => levels.length > 0, 2000, () => 'a digital report');
        expect([0, 1]).toContain(levels[0]);
      }));
  });
}
