/**
 * Whatever the clock booted at, however long before trust and whichever source brings it:
 * every reading reaches the wire once, in order, at its true time to the millisecond.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { SOURCE_BUILD_DATE_MS } from '../../src/core/trusted-time.js';
import { PROPERTY_RUNS, PROPERTY_TIMEOUT_MS } from '../drivers/frame-properties.js';
import { TimeRig } from './harness.js';

/** Each run simulates minutes of readings: a fraction of the decoders' run count covers the space. */
const RUNS = Math.max(50, Math.ceil(PROPERTY_RUNS / 200));

it(
  'dates every reading at its true time, whatever the boot clock, the wait and the source',
  async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          bootWallMs: fc.oneof(fc.integer({ min: 0, max: 1_000_000_000 }), fc.integer({ min: SOURCE_BUILD_DATE_MS, max: SOURCE_BUILD_DATE_MS + 10 * 365 * 86_400_000 })),
          trueAtBootMs: fc.integer({ min: SOURCE_BUILD_DATE_MS, max: SOURCE_BUILD_DATE_MS + 5 * 365 * 86_400_000 }),
          secondsBefore: fc.integer({ min: 0, max: 120 }),
          secondsAfter: fc.integer({ min: 1, max: 60 }),
          source: fc.constantFrom('ntp', 'gps', 'broker'),
          maxReadings: fc.integer({ min: 1, max: 30 }),
          maxDelayMs: fc.integer({ min: 0, max: 20_000 }),
        }),
        async ({ bootWallMs, trueAtBootMs, secondsBefore, secondsAfter, source, maxReadings, maxDelayMs }) => {
          const rig = new TimeRig({ bootWallMs, trueAtBootMs, ntp: 'unsynchronised', maxReadings, maxDelayMs });
          await rig.start();
          await rig.run(secondsBefore);
          if (source === 'ntp') {
            rig.clock.jumpWallClock(rig.trueNow());
            rig.probe.state = 'synchronised';
          } else rig.time.clock.offer(rig.trueNow(), source);
          await rig.run(Math.max(secondsAfter, source === 'ntp' ? 31 : 0));
          await rig.stop();
          const wire = rig.wire();
          expect(wire.map((reading) => reading.value)).toEqual(Array.from({ length: rig.truth.size }, (_, index) => index + 1));
          expect(rig.errors().every((error) => error === 0)).toBe(true);
          expect(wire.every((reading) => reading.time >= SOURCE_BUILD_DATE_MS && reading.clock === undefined)).toBe(true);
          expect(rig.clock.pendingTimers()).toBe(0);
        },
      ),
      { numRuns: RUNS },
    );
  },
  PROPERTY_TIMEOUT_MS,
);
