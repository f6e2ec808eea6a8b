/**
 * Winsen MH-Z19B NDIR CO2 module, UART protocol of the "MH-Z19B Infrared CO2 Sensor User's
 * Manual" V1.0 (§"Communication protocol": 9600 8N1; command 0x86 "Read CO2 concentration";
 * §"Checksum calculation"). The host asks, the sensor answers with nine bytes:
 *
 *   request   FF 01 86 00 00 00 00 00 79
 *   response  FF 86 HIGH LOW -- -- -- -- CS      CO2 = HIGH × 256 + LOW ppm
 *
 * CS = 0xFF − (low byte of the sum of bytes 1..7) + 1, the two's complement of that sum.
 * The manual's example answer is `FF 86 02 20 00 00 00 00 58`: 544 ppm. Bytes 4..7 are
 * marked reserved; sensors in the field put the temperature + 40 in byte 4.
 */
import type { FrameLayout } from '../frames.js';

export const MHZ19_PACKET_LENGTH = 9;

/** Command byte of "Read CO2 concentration". */
export const MHZ19_READ_CO2 = 0x86;

export interface Mhz19Reading {
  /** ppm, resolution 1 */
  readonly co2: number;
  /** Byte 4 of the answer less 40 (°C): undocumented, so neither checked nor emitted. */
  readonly temperature: number;
}

/** Two's complement of the low byte of the sum of bytes 1..7 (manual, §"Checksum calculation"). */
export function mhz19Checksum(packet: Uint8Array): number {
  let sum = 0;
  for (let index = 1; index < 8; index++) sum += packet[index]!;
  return (0xff - (sum & 0xff) + 1) & 0xff;
}

/** A packet of the protocol for `command` (byte 2) or, for answers, with the command in byte 1. */
function packet(bytes: readonly number[]): Buffer {
  const frame = Buffer.alloc(MHZ19_PACKET_LENGTH);
  bytes.forEach((byte, index) => (frame[index] = byte));
  frame[8] = mhz19Checksum(frame);
  return frame;
}

/** The read request the driver sends; the manual gives its bytes as FF 01 86 00 00 00 00 00 79. */
export const mhz19ReadRequest: Buffer = packet([0xff, 0x01, MHZ19_READ_CO2]);

/** Where answers to the read request are in the stream and how each is checked. */
export const mhz19ResponseLayout: FrameLayout = {
  header: [0xff, MHZ19_READ_CO2],
  frameLength: () => MHZ19_PACKET_LENGTH,
  maxLength: MHZ19_PACKET_LENGTH,
  check: (frame) => (frame[8] === mhz19Checksum(frame) ? undefined : 'bad checksum'),
};

/** Where requests are in what the host sent (the twin's side): start byte, sensor number 1, any command. */
export const mhz19RequestLayout: FrameLayout = {
  header: [0xff, 0x01],
  frameLength: () => MHZ19_PACKET_LENGTH,
  maxLength: MHZ19_PACKET_LENGTH,
  check: (frame) => (frame[8] === mhz19Checksum(frame) ? undefined : 'bad checksum'),
};

/** Decodes an answer that passed `mhz19ResponseLayout.check`. */
export function decodeMhz19(frame: Buffer): Mhz19Reading {
  return { co2: frame.readUInt16BE(2), temperature: frame[4]! - 40 };
}

/** Builds the answer the sensor sends for these values (the twin's side, and tests'). */
export function encodeMhz19(reading: Mhz19Reading): Buffer {
  const co2 = Math.max(0, Math.min(0xffff, Math.round(reading.co2)));
  const temperature = Math.max(0, Math.min(0xff, Math.round(reading.temperature) + 40));
  return packet([0xff, MHZ19_READ_CO2, co2 >> 8, co2 & 0xff, temperature]);
}
