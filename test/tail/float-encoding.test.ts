/** The tail reads a node's compact packs right once its birth has said so, and by the fallback it was given before. */
import { describe, expect, it } from 'vitest';
import { encodePack } from '../../src/codec/index.js';
import { TailDecoder, type TailEvent } from '../../src/tail/events.js';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const compactPack = (seq: number) => ({
  topic: 'fieldnode/site-a/ws-01/air/data',
  payload: encodePack([{ name: 'temperature', value: 6.37, unit: 'Cel', time: T0 + seq * 1000 }], 'ws-01/air/', { boot: 3, seq }, { floats: 'compact' }),
  retained: false,
});
const birth = (floats: string) => ({ topic: 'fieldnode/site-a/ws-01/birth', payload: Buffer.from(JSON.stringify({ node: 'ws-01', encoding: { floats, secondaryUnits: 'announce' } })), retained: true });
const values = (events: TailEvent[]) => events.flatMap((event) => (event.kind === 'reading' ? [event.record.value] : []));

describe('tail and float encodings', () => {
  it('learns compact floats from the node birth', () => {
    const decoder = new TailDecoder({ prefix: 'fieldnode', site: '+', node: '+' });
    expect(values(decoder.receive(compactPack(1)))).toEqual([Math.fround(6.37)]);
    decoder.receive(birth('compact'));
    expect(values(decoder.receive(compactPack(2)))).toEqual([6.37]);
    decoder.receive(birth('exact'));
    expect(values(decoder.receive(compactPack(3)))).toEqual([Math.fround(6.37)]);
  });

  it('uses the fallback it is given for nodes whose birth it has not seen', () => {
    const decoder = new TailDecoder({ prefix: 'fieldnode', site: '+', node: '+' }, { floats: 'compact' });
    expect(values(decoder.receive(compactPack(1)))).toEqual([6.37]);
  });
});
