import { describe, expect, it } from 'vitest';
import { countValues } from '../../src/config/document.js';
import { clipLine, quoteValue } from '../../src/config/excerpt.js';
import { parseConfig } from '../../src/config/load.js';
import { ConfigProblemList } from '../../src/config/problem-list.js';
import { nearestNames } from '../../src/config/suggest.js';
import { ConfigError } from '../../src/core/errors.js';

function errorOf(text: string): ConfigError {
  try {
    parseConfig(text, 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('config was accepted');
}

describe('quoting values in problems', () => {
  it('quotes short values whole and long ones as an excerpt with their length', () => {
    expect(quoteValue('fast')).toBe('"fast"');
    expect(quoteValue('x'.repeat(41))).toBe(`"${'x'.repeat(40)}"… (41 characters)`);
  });

  it('escapes control and format characters, and never splits a character', () => {
    expect(quoteValue('\u001b[2J\u0007\u009b\u202e\u2028')).toBe('"\\u001b[2J\\u0007\\u009b\\u202e\\u2028"');
    expect(quoteValue(`${'a'.repeat(39)}😀😀`)).toBe(`"${'a'.repeat(39)}😀"… (41 characters)`);
    expect(clipLine(`\u001b${'b'.repeat(400)}`)).toBe(`\\u001b${'b'.repeat(299)}…`);
  });
});

describe('bounded work on hostile text', () => {
  it('counts values through shared objects once per use, and finds cycles', () => {
    const shared = [1, 2, 3];
    expect(countValues({ a: shared, b: shared }, 100)).toBe(9);
    const cycle: unknown[] = [];
    cycle.push({ again: cycle });
    expect(countValues(cycle, 100)).toBe('cycle');
  });

  it('finds repeated keys in a large mapping in linear time', () => {
    const keys = Array.from({ length: 40_000 }, (_, index) => `  k${index}: 1`).join('\n');
    const started = performance.now();
    const error = errorOf(`node:\n${keys}\n  k7: 2\nbroker: { url: "mqtt://h:1" }\n`);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(error.message).toContain(`  line 40002, column 3: Map keys must be unique\n`);
  });

  it('lists the first 50 problems and counts the others', () => {
    const error = errorOf(`node: { id: a, site: b }\nbroker: { url: "mqtt://h:1" }\nboards: [${Array(121).fill('1').join(',')}]\n`);
    expect(error).toBeInstanceOf(ConfigProblemList);
    expect((error as ConfigProblemList).total).toBe(121);
    expect(error.problems).toHaveLength(50);
    expect(error.message.split('\n')).toHaveLength(52);
    expect(error.message).toMatch(/\n {2}\.\.\. and 71 more problem\(s\)$/);
  });

  it('compares a very long value with names only when their lengths allow a match', () => {
    expect(nearestNames('l'.repeat(1_000_000), ['lines', 'nmea-gps'])).toEqual([]);
  });

  it('says a password-like document is a string, not what it says', () => {
    expect(errorOf('hunter2-S3cret\n').message).toBe('test.yaml: expected a mapping with node, broker, boards; got a string: is this the config file?');
  });
});
