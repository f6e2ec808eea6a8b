/**
 * Plantower PMS5003 laser particle sensor, active-mode frames of the "PMS5003 series data
 * manual" V2.3 (appendix I, "Transport Protocol – Active Mode", 9600 8N1):
 *
 *   42 4D  LEN_H LEN_L  DATA1 … DATA13 (16-bit big-endian words)  CHECK_H CHECK_L
 *
 * LEN = 2 × 13 + 2 = 28 (data plus check), so a frame is 32 bytes. CHECK is the sum of bytes
 * 0–29 (start characters, length and data) in 16 bits. Data 1–3: PM1.0/PM2.5/PM10 in µg/m³
 * "CF=1, standard particle" (factory calibration); data 4–6: the same "under atmospheric
 * environment" (for ambient air); data 7–12: particles beyond 0.3, 0.5, 1.0, 2.5, 5.0 and
 * 10 µm per 0.1 L of air; data 13 is reserved.
 */
import type { FrameLayout } from '../frames.js';

/** Bytes in a frame: header, length, 13 data words, check. */
export const PMS5003_FRAME_LENGTH = 32;
/** The value of the length field: 13 data words and the check word, in bytes. */
export const PMS5003_LENGTH_FIELD = 28;

/** The quantities of one frame, in the order of data 1–12. */
export const pms5003Fields = [
  'pm1_0_cf1',
  'pm2_5_cf1',
  'pm10_cf1',
  'pm1_0',
  'pm2_5',
  'pm10',
  'particles_0_3um',
  'particles_0_5um',
  'particles_1_0um',
  'particles_2_5um',
  'particles_5_0um',
  'particles_10um',
] as const;

/** A quantity a sensor can pick from a frame (the `field` option). */
export type Pms5003Field = (typeof pms5003Fields)[number];

/** One frame: mass concentrations in µg/m³ (resolution 1), counts per 0.1 L, and the reserved word. */
export type Pms5003Reading = Readonly<Record<Pms5003Field, number>> & { readonly reserved: number };

/** Where frames are in the stream and how each is checked. */
export const pms5003Layout: FrameLayout = {
  header: [0x42, 0x4d],
  frameLength(buffer, offset) {
    if (buffer.length - offset < 4) return undefined;
    // Only the 28-byte frame of the PMS5003 is known; any other length is a corrupt header.
    return buffer.readUInt16BE(offset + 2) === PMS5003_LENGTH_FIELD ? PMS5003_FRAME_LENGTH : Number.NaN;
  },
  maxLength: PMS5003_FRAME_LENGTH,
  lengthInHeader: true,
  check(frame) {
    return frame.readUInt16BE(30) === pms5003Checksum(frame) ? undefined : 'bad checksum';
  },
};

/** Sum of bytes 0–29 in 16 bits (data manual: "Check code = start character 1 + … + data 13 low 8 bits"). */
export function pms5003Checksum(frame: Uint8Array): number {
  let sum = 0;
  for (let index = 0; index < 30; index++) sum += frame[index]!;
  return sum & 0xffff;
}

/** Decodes a frame that passed `pms5003Layout.check`. */
export function decodePms5003(frame: Buffer): Pms5003Reading {
  const reading: Record<string, number> = {};
  pms5003Fields.forEach((field, index) => {
    reading[field] = frame.readUInt16BE(4 + 2 * index);
  });
  return { ...(reading as Record<Pms5003Field, number>), reserved: frame.readUInt16BE(28) };
}

/** Builds the frame the sensor sends for these values (the twin's side, and tests'). */
export function encodePms5003(reading: Omit<Pms5003Reading, 'reserved'> & { readonly reserved?: number }): Buffer {
  const frame = Buffer.alloc(PMS5003_FRAME_LENGTH);
  frame[0] = 0x42;
  frame[1] = 0x4d;
  frame.writeUInt16BE(PMS5003_LENGTH_FIELD, 2);
  pms5003Fields.forEach((field, index) => frame.writeUInt16BE(reading[field], 4 + 2 * index));
  frame.writeUInt16BE(reading.reserved ?? 0, 28);
  frame.writeUInt16BE(pms5003Checksum(frame), 30);
  return frame;
}
