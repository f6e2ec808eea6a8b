import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeMhz19, encodeMhz19, mhz19Checksum, mhz19ReadRequest, mhz19ResponseLayout } from '../../../src/drivers/mhz19/decode.js';
import { mhz19Driver } from '../../../src/drivers/mhz19/index.js';
import { mhz19DeviceShape, refineMhz19Device } from '../../../src/drivers/mhz19/schema.js';
import { harness } from '../../support/driver-harness.js';
import { PROPERTY_RUNS, PROPERTY_TIMEOUT_MS } from '../frame-properties.js';

// MH-Z19B User's Manual V1.0, command 0x86: "Send command FF 01 86 00 00 00 00 00 79,
// Return value FF 86 02 20 00 00 00 00 58": 2 × 256 + 32 = 544 ppm.
const manualRequest = Buffer.from('ff0186000000000079', 'hex');
const manualAnswer = Buffer.from('ff8602200000000058', 'hex');
const device = { intervalMs: 5000, timeoutMs: 1000 };
const sensors: [string, string, Record<string, never>][] = [['co2', 'ppm', {}]];

/** A driver that has opened its port and sent its first request. */
function polling() {
  const under = harness(mhz19Driver, device, sensors);
  under.instance.onOpen?.();
  under.clock.advance(100);
  return under;
}

describe('mhz19 decoder', () => {
  it('builds the manual’s read request and decodes its example answer', () => {
    expect(mhz19ReadRequest.equals(manualRequest)).toBe(true);
    expect(mhz19Checksum(manualRequest)).toBe(0x79);
    expect(mhz19ResponseLayout.check(manualAnswer)).toBeUndefined();
    expect(decodeMhz19(manualAnswer).co2).toBe(544);
    expect(encodeMhz19({ co2: 544, temperature: -40 }).equals(manualAnswer)).toBe(true);
  });

  it('computes the checksum as 0xFF − sum(bytes 1..7) + 1, wrapping at a zero sum', () => {
    const answer = encodeMhz19({ co2: 1234, temperature: 23 });
    const sum = answer.subarray(1, 8).reduce((total, byte) => total + byte, 0);
    expect(answer[8]).toBe((0xff - (sum & 0xff) + 1) & 0xff);
    expect(mhz19Checksum(Buffer.from('ff7a0000000000000000', 'hex'))).toBe(0x86); // 0x7A + 0x86 = 0x100
  });

  it('rejects a bad checksum', () => {
    const bad = Buffer.from(manualAnswer);
    bad[3] = 0x21;
    expect(mhz19ResponseLayout.check(bad)).toBe('bad checksum');
  });
});

describe('mhz19 options', () => {
  const deviceOptions = z.object(mhz19DeviceShape).superRefine(refineMhz19Device);

  it('fills in the schedule once for the device, and wants the answer timeout below the interval', () => {
    expect(deviceOptions.parse({})).toEqual({ intervalMs: 5000, timeoutMs: 1000 });
    const tooLong = deviceOptions.safeParse({ intervalMs: 2000, timeoutMs: 2000 });
    expect(tooLong.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([['timeoutMs', 'must be shorter than intervalMs (2000)']]);
  });

  it('lets one sensor read the module, and points at every further one', () => {
    const binding = (count: number) => ({
      boardId: 'hall',
      path: 'boards[2]',
      options: device,
      sensors: Array.from({ length: count }, (_, index) => ({ name: `co2_${index}`, unit: 'ppm', options: {}, path: `boards[2].sensors[${index}]` })),
    });
    expect(mhz19Driver.checkDevice?.(binding(1))).toEqual([]);
    expect(mhz19Driver.checkDevice?.(binding(3))).toEqual([
      { path: 'boards[2].sensors[1]', message: expect.stringContaining('boards[2].sensors[0] already reads it') },
      { path: 'boards[2].sensors[2]', message: expect.stringContaining('boards[2].sensors[0] already reads it') },
    ]);
  });
});

describe('mhz19 driver', () => {
  it('asks after the port opens and every intervalMs after that', () => {
    const under = harness(mhz19Driver, device, sensors);
    expect(under.written).toHaveLength(0);
    under.instance.onOpen?.();
    under.clock.advance(100);
    expect(under.written).toEqual([manualRequest]);
    under.bytes(manualAnswer);
    under.clock.advance(15_000);
    expect(under.written).toHaveLength(4);
    expect(under.readings.map((reading) => [reading.name, reading.value, reading.unit])).toEqual([['co2', 544, 'ppm']]);
    // Requests two and three went unanswered; the fourth is still waiting.
    expect(under.problems.snapshot()).toEqual({ timeout: 2 });
  });

  it('takes an answer split across chunks and behind noise', () => {
    const under = polling();
    under.bytes([0x00, 0xff, 0x13, ...manualAnswer.subarray(0, 4)]);
    under.bytes(manualAnswer.subarray(4));
    under.clock.advance(5000);
    expect(under.readings.map((reading) => reading.value)).toEqual([544]);
    expect(under.problems.snapshot()).toEqual({ 'garbage-bytes': 1 });
  });

  it('counts a corrupt answer as a bad frame, not as a timeout', () => {
    const under = polling();
    const bad = Buffer.from(manualAnswer);
    bad[2] = 0x03;
    under.bytes(bad);
    under.clock.advance(4000);
    expect(under.readings).toHaveLength(0);
    expect(under.problems.total('bad-frame')).toBe(1);
    expect(under.problems.total('timeout')).toBe(0);
  });

  it('counts a truncated answer as a timeout and starts the next answer clean', () => {
    const under = polling();
    under.bytes(manualAnswer.subarray(0, 5));
    under.clock.advance(4900); // timeout, then the next request at 5000
    expect(under.problems.total('timeout')).toBe(1);
    const next = encodeMhz19({ co2: 812, temperature: 22 });
    under.bytes(next);
    expect(under.readings.map((reading) => reading.value)).toEqual([812]);
    expect(under.problems.total('bad-frame')).toBe(0);
  });

  it('stops asking when the port closes, and starts again when it reopens', () => {
    const under = polling();
    under.instance.onClose?.();
    expect(under.clock.pendingTimers()).toBe(0);
    under.clock.advance(60_000);
    expect(under.written).toHaveLength(1);
    expect(under.problems.total('timeout')).toBe(0);
    under.instance.onOpen?.();
    under.clock.advance(100);
    expect(under.written).toHaveLength(2);
  });

  // The generic stream property (frame-properties.ts) glues a truncated frame to the next one;
  // with only an 8-bit checksum and no tail byte such a hybrid passes one time in 256. The
  // sensor only speaks when asked and the driver starts clean at every request, so the
  // stream this decoder must survive is a sequence of answers, one per request.
  it('survives random, mutated and chunked answers: one reading, bad frame or timeout per request (property)', { timeout: PROPERTY_TIMEOUT_MS }, () => {
    type Kind = 'sound' | 'garbage-then-sound' | 'corrupt' | 'truncated' | 'noise' | 'silent';
    type Answer = { kind: Kind; co2: number; temperature: number; at: number; xor: number; noise: number[]; chunk: number };
    const answer: fc.Arbitrary<Answer> = fc.record({
      kind: fc.constantFrom<Kind>('sound', 'garbage-then-sound', 'corrupt', 'truncated', 'noise', 'silent'),
      co2: fc.integer({ min: 0, max: 0xffff }),
      temperature: fc.integer({ min: -40, max: 215 }),
      at: fc.integer({ min: 2, max: 8 }),
      xor: fc.integer({ min: 1, max: 255 }),
      noise: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 24 }),
      chunk: fc.integer({ min: 1, max: 9 }),
    });
    // Noise that happens to hold a well-formed answer is an answer: no decoder can tell.
    const holdsAnswer = (bytes: number[]) => bytes.some((_, at) => at + 9 <= bytes.length && bytes[at] === 0xff && bytes[at + 1] === 0x86 && mhz19ResponseLayout.check(Buffer.from(bytes.slice(at, at + 9))) === undefined);
    fc.assert(
      fc.property(fc.array(answer, { minLength: 1, maxLength: 8 }), (answers) => {
        fc.pre(answers.every((answer) => answer.kind !== 'noise' || !holdsAnswer(answer.noise)));
        const under = polling();
        for (const [index, { kind, co2, temperature, at, xor, noise, chunk }] of answers.entries()) {
          const sound = encodeMhz19({ co2, temperature });
          let bytes: Buffer = Buffer.alloc(0);
          if (kind === 'sound') bytes = sound;
          if (kind === 'garbage-then-sound') bytes = Buffer.concat([Buffer.from(noise.map((byte) => (byte === 0xff ? 0 : byte))), sound]);
          if (kind === 'truncated') bytes = sound.subarray(0, at);
          if (kind === 'noise') bytes = Buffer.from(noise);
          if (kind === 'corrupt') {
            bytes = Buffer.from(sound);
            bytes[at] = bytes[at]! ^ xor;
          }
          for (let offset = 0; offset < bytes.length; offset += chunk) under.bytes(bytes.subarray(offset, offset + chunk));
          if (under.written.length !== index + 1) throw new Error(`request ${index + 1} was not sent`);
          under.clock.advance(5000);
        }
        // Plain checks: vitest's expect is too slow for 100,000 runs.
        const count = (...kinds: Kind[]) => answers.filter((answer) => kinds.includes(answer.kind)).length;
        const timeouts = under.problems.total('timeout');
        const badFrames = under.problems.total('bad-frame');
        const readings = under.readings.map((reading) => reading.value).join();
        const sound = answers.filter((answer) => answer.kind.endsWith('sound')).map((answer) => answer.co2).join();
        if (readings !== sound) throw new Error(`readings ${readings}, sound answers ${sound}`);
        if (badFrames < count('corrupt')) throw new Error('a corrupt answer went uncounted');
        if (timeouts < count('truncated', 'silent') || timeouts > count('truncated', 'silent', 'noise')) throw new Error(`${timeouts} timeouts`);
        // Every request that got no sound answer is accounted for, as a bad frame or a timeout.
        if (timeouts + badFrames < count('corrupt', 'truncated', 'silent', 'noise')) throw new Error('a failed request went uncounted');
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });
});
