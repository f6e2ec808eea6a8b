/**
 * A board's birth names its sensors as their readings are sent: an aggregated sensor under
 * <name>_min, _mean and _max (those it sends), every other sensor under its own name.
 */
import { describe, expect, it } from 'vitest';
import { boardBirth } from '../../../src/uplink/birth.js';
import { validateSimulated } from '../../support/simulated-node.js';

describe('names sent', () => {
  it('the birth lists an aggregated sensor under the names it sends', () => {
    const board = validateSimulated({
      node: { id: 'n', site: 's' },
      broker: { url: 'mqtt://127.0.0.1:1' },
      boards: [
        {
          id: 'weir',
          simulator: { device: 'maxbotix' },
          device: { type: 'maxbotix', mountHeightMm: 4000 },
          sensors: [
            { name: 'level', unit: 'm', field: 'level', filters: [{ delta: { absolute: 0.01 } }, { aggregate: { intervalMs: 60_000, send: ['max', 'min'] } }] },
            { name: 'range', unit: 'mm', field: 'range', filters: [{ delta: { absolute: 10 } }] },
          ],
        },
      ],
    }).boards[0]!;
    expect(boardBirth(board, 1, Date.UTC(2026, 0, 1)).sensors).toEqual([
      { name: 'level_min', unit: 'm' },
      { name: 'level_max', unit: 'm' },
      { name: 'range', unit: 'mm' },
    ]);
  });
});
