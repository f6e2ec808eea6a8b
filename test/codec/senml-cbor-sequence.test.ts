import { describe, expect, it } from 'vitest';
import { encodePack, SenmlCborSequence, type SequenceItem } from '../../src/codec/index.js';

const T0 = Date.UTC(2026, 0, 1, 12);
const pack = (value: number) => encodePack([{ name: 'level', value, unit: 'm', time: T0 }], 'river/');
const summary = (items: SequenceItem[]) => items.map((item) => ('error' in item ? `${item.offset}: ${item.error.message}` : `${item.offset}: v=${String(item.records[0]?.v)}`));

/** Feeds `bytes` one byte at a time, the hardest split, and collects what comes out. */
function byteByByte(bytes: Buffer): string[] {
  const sequence = new SenmlCborSequence();
  const out: SequenceItem[] = [];
  for (const byte of bytes) out.push(...sequence.push(Buffer.of(byte)));
  return summary([...out, ...sequence.end()]);
}

describe('a SenML-CBOR sequence (RFC 8742)', () => {
  it('hands out each pack once its last byte is in, from any split', () => {
    const [a, b] = [pack(1.5), pack(2.25)];
    expect(byteByByte(Buffer.concat([a, b]))).toEqual([`0: v=1.5`, `${a.length}: v=2.25`]);
    const sequence = new SenmlCborSequence();
    expect(sequence.push(Buffer.concat([a, b.subarray(0, 4)]))).toHaveLength(1);
    expect(sequence.push(b.subarray(4))).toHaveLength(1);
  });

  it('delimits items with indefinite lengths, tags and floats by their heads', () => {
    // [_ {0: "x", 2: 1.5(half)}, ] then a tagged array holding one map: both CBOR, the second no SenML pack.
    const indefinite = Buffer.from([0x9f, 0xa2, 0x00, 0x61, 0x78, 0x02, 0xf9, 0x3e, 0x00, 0xff]);
    const tagged = Buffer.from([0xc1, 0x81, 0xa1, 0x00, 0x61, 0x79]);
    expect(byteByByte(Buffer.concat([indefinite, tagged, pack(3)]))).toEqual(['0: v=1.5', '10: a SenML pack is a CBOR array', '16: v=3']);
  });

  it('reports bytes that are no CBOR and resynchronises at the next pack', () => {
    const good = pack(4);
    expect(byteByByte(Buffer.concat([Buffer.from([0x1c, 0x41]), good, Buffer.from([0xff]), good, good.subarray(0, 6)]))).toEqual([
      '0: not CBOR: initial byte 0x1c is reserved',
      `2: v=4`,
      `${2 + good.length}: not CBOR: a break (0xff) outside an indefinite-length item`,
      `${3 + good.length}: v=4`,
      `${3 + 2 * good.length}: the input ends inside this pack`,
    ]);
  });
});
