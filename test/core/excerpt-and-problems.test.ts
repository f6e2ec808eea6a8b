import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock.js';
import { excerpt } from '../../src/core/excerpt.js';
import { ProblemCounter } from '../../src/core/problems.js';
import { memoryLogger } from '../support/memory-logger.js';

describe('excerpt of untrusted input', () => {
  it('keeps short text as it is', () => {
    expect(excerpt('rebirth')).toBe('rebirth');
    expect(excerpt('a'.repeat(64))).toBe('a'.repeat(64));
  });

  it('cuts long text to 64 characters and says how long it was', () => {
    expect(excerpt('A'.repeat(60_000))).toBe(`${'A'.repeat(64)}… (60000 characters)`);
    expect(excerpt('abcdef', 3)).toBe('abc… (6 characters)');
  });

  it('escapes control, format and lone surrogate characters, within the same bound', () => {
    expect(excerpt('\u0000\u001b[2J\u202eok')).toBe('\\u0000\\u001b[2J\\u202eok');
    expect(excerpt('\ud800x')).toBe('\\ud800x');
    expect(excerpt('\u0007'.repeat(100)).length).toBeLessThanOrEqual(64 + ' (100 characters)'.length + 1);
    expect(excerpt('😀😀')).toBe('😀😀');
  });
});

describe('problem counter under a flood', () => {
  it('logs the first of each kind, then one summary a minute, never the whole input', () => {
    const clock = new VirtualClock();
    const logger = memoryLogger();
    const problems = new ProblemCounter(logger, clock);
    for (let index = 0; index < 10_000; index++) {
      problems.count(index % 2 ? 'unknown-command' : 'payload-not-json', `${'A'.repeat(60_000)}: ${index}`);
      if (index % 1000 === 999) clock.advance(10_000);
    }
    expect(problems.snapshot()).toEqual({ 'unknown-command': 5000, 'payload-not-json': 5000 });
    // Two first occurrences, and a summary at 0 s and at most one per minute of the 100 s after.
    expect(logger.entries.length).toBeLessThanOrEqual(5);
    for (const entry of logger.entries) expect(JSON.stringify(entry).length).toBeLessThan(600);
  });
});
