import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSds011, encodeSds011, sds011Layout } from '../../../src/drivers/sds011/decode.js';
import { sds011Driver } from '../../../src/drivers/sds011/index.js';
import { harness } from '../../support/driver-harness.js';
import { checkFrameDriverProperties, PROPERTY_TIMEOUT_MS } from '../frame-properties.js';

const datasheetFrame = Buffer.from('aac0d4043a0aa1601dab', 'hex');
const sensors: [string, string, { field: 'pm2_5' | 'pm10' }][] = [
  ['pm2_5', 'ug/m3', { field: 'pm2_5' }],
  ['pm10', 'ug/m3', { field: 'pm10' }],
];

describe('sds011 decoder', () => {
  it('decodes the data sheet example frame', () => {
    expect(sds011Layout.check(datasheetFrame)).toBeUndefined();
    expect(decodeSds011(datasheetFrame)).toEqual({ pm2_5: 123.6, pm10: 261.8, deviceId: 0xa160 });
    expect(encodeSds011({ pm2_5: 123.6, pm10: 261.8, deviceId: 0xa160 }).equals(datasheetFrame)).toBe(true);
  });

  it('rejects a bad checksum and a bad tail', () => {
    const badSum = Buffer.from(datasheetFrame);
    badSum[8] = 0x1e;
    expect(sds011Layout.check(badSum)).toBe('bad checksum');
    const badTail = Buffer.from(datasheetFrame);
    badTail[9] = 0xac;
    expect(sds011Layout.check(badTail)).toBe('bad tail byte');
  });
});

describe('sds011 driver', () => {
  it('finds frames split across chunks and behind noise, and counts what it skips', () => {
    const under = harness(sds011Driver, {}, sensors);
    const corrupt = Buffer.from(datasheetFrame);
    corrupt[3] = 0x05;
    const second = encodeSds011({ pm2_5: 7.5, pm10: 11, deviceId: 1 });
    const stream = Buffer.concat([Buffer.from([0x00, 0xaa, 0x13]), datasheetFrame, corrupt, second]);
    under.bytes(stream.subarray(0, 7));
    under.bytes(stream.subarray(7, 25));
    under.bytes(stream.subarray(25));
    expect(under.readings.map((reading) => [reading.name, reading.value, reading.unit])).toEqual([
      ['pm2_5', 123.6, 'ug/m3'],
      ['pm10', 261.8, 'ug/m3'],
      ['pm2_5', 7.5, 'ug/m3'],
      ['pm10', 11, 'ug/m3'],
    ]);
    expect(under.problems.snapshot()).toEqual({ 'garbage-bytes': 2, 'bad-frame': 1 });
  });

  it('survives random and mutated streams and recovers every valid frame (property)', { timeout: PROPERTY_TIMEOUT_MS }, () => {
    checkFrameDriverProperties({
      definition: sds011Driver,
      device: {},
      sensors,
      values: fc.record({ pm2_5: fc.integer({ min: 0, max: 9999 }).map((n) => n / 10), pm10: fc.integer({ min: 0, max: 9999 }).map((n) => n / 10), deviceId: fc.integer({ min: 0, max: 0xffff }) }),
      encode: encodeSds011,
      expected: (values) => ({ pm2_5: values.pm2_5, pm10: values.pm10 }),
      headerLength: 2,
    });
  });
});
