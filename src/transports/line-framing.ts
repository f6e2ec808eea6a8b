/**
 * Cuts a byte stream into lines with serialport's readline parser, bounded in length: a
 * device that spews bytes without a newline (wrong baud rate, a crashed sketch) must not
 * grow memory without limit.
 */
import { ReadlineParser } from '@serialport/parser-readline';

export interface LineFramingOptions {
  /** Where lines end; `\n` by default (a CR before it is left for the driver to strip). */
  readonly delimiter?: string;
  /** Longest line kept; longer runs without a newline are dropped and reported. */
  readonly maxLineBytes?: number;
  /** Called with the number of bytes thrown away each time the bound is hit. */
  readonly onOverflow?: (droppedBytes: number) => void;
}

/** Feeds chunks in, calls `onLine` with each complete line (CR kept; drivers strip it). */
export class LineFramer {
  private readonly parser: ReadlineParser;
  private readonly maxLineBytes: number;
  /** Set after an overflow: the rest of that line, up to its newline, is noise too. */
  private discarding = false;
  private discardedBytes = 0;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly options: LineFramingOptions = {},
  ) {
    this.maxLineBytes = options.maxLineBytes ?? 4096;
    // latin1 maps every byte to one character, so line noise never throws a decoding error.
    this.parser = new ReadlineParser({ delimiter: options.delimiter ?? '\n', encoding: 'latin1' });
    this.parser.on('data', (line: string) => this.emit(line));
  }

  push(chunk: Buffer): void {
    this.parser.write(chunk);
    const pending = this.parser.buffer.length;
    if (pending > this.maxLineBytes) {
      this.parser.buffer = Buffer.alloc(0);
      this.discarding = true;
      this.discardedBytes += pending;
    }
  }

  /** Forgets a partial line: after a reopen, the bytes before the gap belong to no line. Returns how many bytes it forgot. */
  reset(): number {
    const forgotten = this.discarding ? 0 : this.parser.buffer.length;
    this.parser.buffer = Buffer.alloc(0);
    this.discarding = false;
    this.discardedBytes = 0;
    return forgotten;
  }

  private emit(line: string): void {
    if (this.discarding) {
      // The tail of an over-long line arrives as a line of its own; it is not data.
      this.discarding = false;
      this.overflow(this.discardedBytes + line.length + 1);
      return;
    }
    if (line.length > this.maxLineBytes) {
      this.overflow(line.length + 1);
      return;
    }
    this.onLine(line);
  }

  private overflow(bytes: number): void {
    this.discardedBytes = 0;
    this.options.onOverflow?.(bytes);
  }
}
