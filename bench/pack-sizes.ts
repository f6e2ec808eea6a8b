/**
 * Bytes per reading on the wire, exact floats (the default) against compact ones, over the
 * packs of a node with a board for every built-in driver, each fed by its twin: what the
 * `encoding: { floats: compact }` option saves, and what exact numbers cost. Exact packs write
 * a float16 or float32 where it is the same double (21.5, a 0.25 s offset); compact packs a
 * float32 wherever the decimal survives it, which only fieldnode's decoder reads back.
 */
import { encodePack } from '../src/codec/index.js';
import { runEveryDriver } from '../test/support/every-driver.js';
import { printTable } from './support.js';

/** Prints bytes per reading per driver and over all drivers, both encodings, from packs of up to `readingsPerPack`. */
export async function runPackSizes(readingsPerDriver: number, readingsPerPack: number): Promise<void> {
  const batches = await runEveryDriver(readingsPerDriver, readingsPerPack);
  const totals = new Map<string, { readings: number; exact: number; compact: number }>();
  const all = { readings: 0, exact: 0, compact: 0 };
  batches.forEach((batch, seq) => {
    const baseName = `mixed/${batch.board}/`;
    const exact = encodePack(batch.readings, baseName, { boot: 1, seq }).length;
    const compact = encodePack(batch.readings, baseName, { boot: 1, seq }, { floats: 'compact' }).length;
    for (const sum of [totals.get(batch.board) ?? { readings: 0, exact: 0, compact: 0 }, all]) {
      sum.readings += batch.readings.length;
      sum.exact += exact;
      sum.compact += compact;
      if (sum !== all) totals.set(batch.board, sum);
    }
  });
  const compared = (exact: number, compact: number) => {
    const percent = ((compact - exact) / exact) * 100;
    return `${Math.abs(percent).toFixed(1)} % ${percent <= 0 ? 'smaller' : 'larger'}`;
  };
  const row = (name: string, sum: { readings: number; exact: number; compact: number }): [string, string, string] => [
    name,
    (sum.exact / sum.readings).toFixed(2),
    `bytes/reading exact, ${(sum.compact / sum.readings).toFixed(2)} compact (${compared(sum.exact, sum.compact)}), ${sum.readings} readings`,
  ];
  printTable(`pack size per reading, packs of up to ${readingsPerPack} readings (encoding.floats exact vs compact)`, [...[...totals].map(([board, sum]) => row(board, sum)), row('all drivers', all)]);
}
