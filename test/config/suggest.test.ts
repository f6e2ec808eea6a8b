import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, nearestNames } from '../../src/config/suggest.js';

describe('did you mean', () => {
  it('counts a swap of neighbours as one edit, and ignores case', () => {
    expect(editDistance('maxbotics', 'maxbotix')).toBe(2);
    expect(editDistance('totla', 'total')).toBe(1);
    expect(editDistance('Cel', 'cel')).toBe(0);
    expect(editDistance('', 'rate')).toBe(4);
  });

  it('offers the nearest names within a third of the length, or a name the input begins', () => {
    expect(nearestNames('maxbotics', ['maxbotix', 'mhz19', 'lines'])).toEqual(['maxbotix']);
    expect(nearestNames('modbus', ['modbus-rtu', 'mhz19'])).toEqual(['modbus-rtu']);
    expect(nearestNames('cout', ['total', 'count', 'rate'])).toEqual(['count']);
    expect(nearestNames('yaml', ['kv', 'csv', 'json'])).toEqual([]);
    expect(nearestNames('pms', ['pms5003', 'pms7003'])).toEqual(['pms5003', 'pms7003']);
  });

  it('phrases one or several names, and nothing when none is near', () => {
    expect(didYouMean('totl', ['total', 'count', 'rate'])).toBe('; did you mean "total"?');
    expect(didYouMean('pms', ['pms5003', 'pms7003', 'pmsa003'])).toBe('; did you mean "pms5003", "pms7003" or "pmsa003"?');
    expect(didYouMean('zzz', ['total'])).toBe('');
    expect(didYouMean(42, ['total'])).toBe('');
  });
});
