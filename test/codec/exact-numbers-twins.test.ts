/**
 * What a third-party CBOR decoder reads from fieldnode's packs, for every driver fed by its
 * twin: each number is the very double the driver produced, that double carries no binary
 * noise (it is the double of a decimal of at most 15 significant digits), every unit is in the
 * IANA SenML registry, and `bver` announces Secondary Units (RFC 9100) exactly in the packs
 * that use one. The packs are the node's own: readings through the board runtime and its
 * batcher, encoded as the node encodes them; decoded with node-cbor, not with fieldnode's code.
 */
import { Decoder as GenericCborDecoder } from 'cbor';
import { describe, expect, it } from 'vitest';
import { encodePack } from '../../src/codec/index.js';
import { senmlLabels } from '../../src/codec/senml.js';
import { isRegisteredUnit, isSecondaryUnit, SECONDARY_UNITS_VERSION } from '../../src/codec/units.js';
import { everyDriverBoards, runEveryDriver } from '../support/every-driver.js';

const label = (field: keyof typeof senmlLabels) => senmlLabels[field];
const generic = (bytes: Buffer): Map<number | string, unknown>[] => GenericCborDecoder.decodeFirstSync(bytes, { preferMap: true }) as Map<number | string, unknown>[];

/** Values that are not decimals on the device: a position in degrees and minutes, a speed in knots, converted. */
const convertedQuantities = new Set(['gps/lat', 'gps/lon', 'gps/speed']);

describe('exact numbers from every driver, as a generic CBOR decoder reads them', () => {
  it('reads the driver\'s double, free of binary noise, with registered units and bver only where a secondary unit is', async () => {
    const batches = await runEveryDriver(40);
    // Encoded as the node encodes them (the default: exact).
    const packs = batches.map((batch, seq) => ({ ...batch, bytes: encodePack(batch.readings, `mixed/${batch.board}/`, { boot: 1, seq }) }));
    expect(new Set(packs.map((pack) => pack.board))).toEqual(new Set(everyDriverBoards.map((board) => board['id'])));

    let fractions = 0;
    for (const pack of packs) {
      const records = generic(pack.bytes);
      expect(records).toHaveLength(pack.readings.length);
      const secondary = pack.readings.some((reading) => reading.unit !== undefined && isSecondaryUnit(reading.unit));
      expect(records[0]!.get(label('bver')), `bver of a ${pack.board} pack`).toBe(secondary ? SECONDARY_UNITS_VERSION : undefined);
      records.forEach((record, index) => {
        const reading = pack.readings[index]!;
        const where = `${pack.board}/${reading.name}`;
        expect(record.get(label('n')), where).toBe(reading.name);
        const unit = record.get(label('u'));
        expect(unit, where).toBe(reading.unit);
        if (pack.board === 'uno') expect(unit, 'the thermometer\'s own unit').toBe('Cel');
        if (unit !== undefined) expect(isRegisteredUnit(unit as string), `${where}: ${String(unit)}`).toBe(true);
        if (typeof reading.value !== 'number') return;
        const value = record.get(label('v')) as number;
        // The same double, bit for bit: no float32 rounding on the way.
        expect(Object.is(value, reading.value === 0 ? 0 : reading.value), `${where}: ${value} read, ${reading.value} sent`).toBe(true);
        if (!Number.isInteger(value)) fractions++;
        // The driver's double is the double of a short decimal: 6.37, not 6.370000000000001.
        if (!convertedQuantities.has(`${pack.board}/${reading.name}`)) expect(Number(value.toPrecision(15)), `${where}: ${value}`).toBe(value);
      });
    }
    expect(fractions).toBeGreaterThan(200);
  }, 90_000);
});
