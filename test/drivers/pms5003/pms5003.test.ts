import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePms5003, encodePms5003, pms5003Checksum, pms5003Fields, pms5003Layout, type Pms5003Field } from '../../../src/drivers/pms5003/decode.js';
import { pms5003Driver } from '../../../src/drivers/pms5003/index.js';
import { harness } from '../../support/driver-harness.js';
import { checkFrameDriverProperties, PROPERTY_TIMEOUT_MS } from '../frame-properties.js';

/**
 * A frame laid out as in the data manual's appendix: 42 4D, length 28, CF=1 PM 8/12/14,
 * atmospheric PM 8/12/14, counts 1635/471/90/6/2/1 per 0.1 L, reserved 0x9700, check 0x032A.
 */
const manualFrame = Buffer.from('424d001c0008000c000e0008000c000e066301d7005a0006000200019700032a', 'hex');
const manualReading = {
  pm1_0_cf1: 8,
  pm2_5_cf1: 12,
  pm10_cf1: 14,
  pm1_0: 8,
  pm2_5: 12,
  pm10: 14,
  particles_0_3um: 1635,
  particles_0_5um: 471,
  particles_1_0um: 90,
  particles_2_5um: 6,
  particles_5_0um: 2,
  particles_10um: 1,
  reserved: 0x9700,
};
const unitOf = (field: Pms5003Field) => (field.startsWith('particles') ? 'count' : 'ug/m3');
const everyField: [string, string, { field: Pms5003Field }][] = pms5003Fields.map((field) => [field, unitOf(field), { field }]);

describe('pms5003 decoder', () => {
  it('decodes a frame laid out as in the data manual', () => {
    expect(manualFrame).toHaveLength(32);
    expect(pms5003Layout.frameLength(manualFrame, 0)).toBe(32);
    // 0x42 + 0x4D + 0x1C + 0x08 + 0x0C + 0x0E + 0x08 + 0x0C + 0x0E + 0x06 + 0x63 + 0x01 + 0xD7 + 0x5A + 0x06 + 0x02 + 0x01 + 0x97 = 0x32A
    expect(pms5003Checksum(manualFrame)).toBe(0x032a);
    expect(pms5003Layout.check(manualFrame)).toBeUndefined();
    expect(decodePms5003(manualFrame)).toEqual(manualReading);
    expect(encodePms5003(manualReading).equals(manualFrame)).toBe(true);
  });

  it('carries the checksum in 16 bits, beyond one byte', () => {
    const loud = encodePms5003({ ...manualReading, pm1_0_cf1: 0xffff, pm2_5_cf1: 0xffff, pm10_cf1: 0xffff, particles_0_3um: 0xffff });
    expect(pms5003Checksum(loud)).toBeGreaterThan(0xff);
    expect(pms5003Layout.check(loud)).toBeUndefined();
    expect(decodePms5003(loud).particles_0_3um).toBe(0xffff);
  });

  it('rejects a bad checksum and any length field but 28', () => {
    const badSum = Buffer.from(manualFrame);
    badSum[31] = 0x2b;
    expect(pms5003Layout.check(badSum)).toBe('bad checksum');
    const badData = Buffer.from(manualFrame);
    badData[7] = 0x0d; // PM2.5 CF=1 12 → 13, checksum unchanged
    expect(pms5003Layout.check(badData)).toBe('bad checksum');
    const otherLength = Buffer.from(manualFrame);
    otherLength.writeUInt16BE(36, 2); // a PMS5003ST's length: not this sensor's frame
    expect(pms5003Layout.frameLength(otherLength, 0)).toBeNaN();
    expect(pms5003Layout.frameLength(manualFrame.subarray(0, 3), 0)).toBeUndefined();
  });
});

describe('pms5003 driver', () => {
  it('rejects a truncated frame that passes its checksum by chance with the next header inside it', () => {
    // Found by the property test: 25 bytes of one frame and the first 7 of the next (a corrupt
    // one) happen to sum to the borrowed check word. The header and length inside give it away.
    const first = encodePms5003({ pm1_0_cf1: 44855, pm2_5_cf1: 26232, pm10_cf1: 29005, pm1_0: 25522, pm2_5: 11177, pm10: 32233, particles_0_3um: 35130, particles_0_5um: 48330, particles_1_0um: 9864, particles_2_5um: 19422, particles_5_0um: 48384, particles_10um: 0, reserved: 0 });
    const next = Buffer.from(encodePms5003({ ...Object.fromEntries(pms5003Fields.map((field) => [field, 0])), pm1_0_cf1: 10508, pm2_5_cf1: 11520, reserved: 0 } as typeof manualReading));
    next[7] = next[7]! ^ 1;
    const glued = Buffer.concat([first.subarray(0, 25), next]);
    expect(pms5003Layout.check(glued.subarray(0, 32))).toBeUndefined();
    const under = harness(pms5003Driver, {}, everyField);
    for (const byte of glued) under.bytes([byte]);
    under.clock.advance(1000);
    expect(under.readings).toEqual([]);
    expect(under.problems.total('bad-frame')).toBeGreaterThanOrEqual(1);
  });

  it('finds frames split across chunks and behind noise, and counts what it skips', () => {
    const under = harness(pms5003Driver, {}, [
      ['pm2_5', 'ug/m3', { field: 'pm2_5' }],
      ['pm10_cf1', 'ug/m3', { field: 'pm10_cf1' }],
      ['particles_0_3um', 'count', { field: 'particles_0_3um' }],
    ]);
    const corrupt = Buffer.from(manualFrame);
    corrupt[20] = 0x40; // particles beyond 0.5 µm, high byte: was 0x01
    const wrongLength = Buffer.from(manualFrame);
    wrongLength[3] = 0x1d;
    const second = encodePms5003({ ...manualReading, pm2_5: 35, pm10_cf1: 61, particles_0_3um: 5230 });
    const stream = Buffer.concat([Buffer.from([0x00, 0x42, 0x13]), manualFrame, corrupt, wrongLength.subarray(0, 6), second]);
    under.bytes(stream.subarray(0, 9));
    under.bytes(stream.subarray(9, 50));
    under.bytes(stream.subarray(50));
    expect(under.readings.map((reading) => [reading.name, reading.value, reading.unit])).toEqual([
      ['pm2_5', 12, 'ug/m3'],
      ['pm10_cf1', 14, 'ug/m3'],
      ['particles_0_3um', 1635, 'count'],
      ['pm2_5', 35, 'ug/m3'],
      ['pm10_cf1', 61, 'ug/m3'],
      ['particles_0_3um', 5230, 'count'],
    ]);
    const problems = under.problems.snapshot();
    expect(problems['bad-frame']).toBe(2); // the bad checksum and the impossible length
    expect(problems['garbage-bytes']).toBeGreaterThanOrEqual(1);
  });

  it('takes a frame cut one byte short as sound when the next header byte completes its checksum', () => {
    // With no tail byte, a frame whose check ends in 0x42, cut before that byte, is completed by
    // the next frame's 0x42 and passes. Its data are its own, so nothing wrong is emitted; the
    // next frame loses its header to it, and is skipped as garbage if corrupt or kept if sound.
    const endsIn42 = encodePms5003({ ...manualReading, reserved: 0x9718 });
    expect(endsIn42[31]).toBe(0x42);
    const corrupt = Buffer.from(manualFrame);
    corrupt[2] = 0x01; // length 0x011C: impossible
    const under = harness(pms5003Driver, {}, [['pm2_5', 'ug/m3', { field: 'pm2_5' }]]);
    under.bytes(Buffer.concat([endsIn42.subarray(0, 31), corrupt, endsIn42.subarray(0, 31), manualFrame]));
    under.clock.advance(1000);
    expect(under.readings.map((reading) => reading.value)).toEqual([12, 12]);
    // The corrupt frame is 31 bytes of garbage; the second cut-off frame is rejected for the sound one inside it.
    expect(under.problems.snapshot()).toEqual({ 'garbage-bytes': 2, 'bad-frame': 1 });
  });

  it('survives random and mutated streams and recovers every valid frame (property)', { timeout: PROPERTY_TIMEOUT_MS }, () => {
    const word = fc.integer({ min: 0, max: 0xffff });
    checkFrameDriverProperties({
      definition: pms5003Driver,
      device: {},
      sensors: everyField,
      values: fc
        .record({
          ...(Object.fromEntries(pms5003Fields.map((field) => [field, word])) as Record<Pms5003Field, fc.Arbitrary<number>>),
          reserved: word,
        }),
      encode: encodePms5003,
      expected: (values) => Object.fromEntries(pms5003Fields.map((field) => [field, values[field]])),
      headerLength: 2,
    });
  });
});
