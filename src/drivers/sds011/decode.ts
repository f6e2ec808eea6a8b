/**
 * Nova Fitness SDS011 laser dust sensor, data frames of the "Laser Dust Sensor Control
 * Protocol V1.3" (§"Data packet", 9600 8N1, one frame per second in continuous mode):
 *
 *   AA C0 PM25_lo PM25_hi PM10_lo PM10_hi ID_1 ID_2 CS AB
 *
 * PM2.5 = (PM25_hi × 256 + PM25_lo) / 10 µg/m³, likewise PM10; CS is the low byte of the sum
 * of the six data bytes (PM25_lo … ID_2).
 */
import type { FrameLayout } from '../frames.js';

export const SDS011_FRAME_LENGTH = 10;

/** 999.9 µg/m³, the top of the measuring range, in the frame's tenths. */
const MAX_TENTHS = 9999;

export interface Sds011Reading {
  /** µg/m³, resolution 0.1 */
  readonly pm2_5: number;
  /** µg/m³, resolution 0.1 */
  readonly pm10: number;
  readonly deviceId: number;
}

/** Where frames are in the stream and how each is checked. */
export const sds011Layout: FrameLayout = {
  header: [0xaa, 0xc0],
  frameLength: () => SDS011_FRAME_LENGTH,
  maxLength: SDS011_FRAME_LENGTH,
  check(frame) {
    if (frame[9] !== 0xab) return 'bad tail byte';
    if (frame[8] !== sds011Checksum(frame)) return 'bad checksum';
    // The sensor's range is 0.0 to 999.9 µg/m³: more is a frame glued from pieces that passed the short checksum by chance.
    return frame.readUInt16LE(2) > MAX_TENTHS || frame.readUInt16LE(4) > MAX_TENTHS ? 'value out of range' : undefined;
  },
};

/** Low byte of the sum of data bytes 2..7. */
export function sds011Checksum(frame: Uint8Array): number {
  let sum = 0;
  for (let index = 2; index < 8; index++) sum += frame[index]!;
  return sum & 0xff;
}

/** Decodes a frame that passed `sds011Layout.check`. */
export function decodeSds011(frame: Buffer): Sds011Reading {
  return { pm2_5: frame.readUInt16LE(2) / 10, pm10: frame.readUInt16LE(4) / 10, deviceId: frame.readUInt16BE(6) };
}

/** Builds the frame the sensor sends for these values (the twin's side, and tests'). */
export function encodeSds011(reading: Sds011Reading): Buffer {
  const frame = Buffer.alloc(SDS011_FRAME_LENGTH);
  frame[0] = 0xaa;
  frame[1] = 0xc0;
  frame.writeUInt16LE(Math.round(reading.pm2_5 * 10), 2);
  frame.writeUInt16LE(Math.round(reading.pm10 * 10), 4);
  frame.writeUInt16BE(reading.deviceId, 6);
  frame[8] = sds011Checksum(frame);
  frame[9] = 0xab;
  return frame;
}
