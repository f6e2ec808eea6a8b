/**
 * Finds binary frames in a byte stream: a fixed header, a length, a check. Serial lines
 * deliver frames split across chunks, glued together, truncated or buried in noise; the
 * scanner resynchronises by sliding past anything that does not check out, one byte at a time.
 */
export interface FrameLayout {
  /** The bytes every frame starts with. */
  readonly header: readonly number[];
  /** Total frame length, read once enough bytes are there; undefined: not enough yet; NaN: impossible length. */
  frameLength(buffer: Buffer, offset: number): number | undefined;
  /** Undefined when the frame is sound, else why not (bad checksum, bad tail byte). */
  check(frame: Buffer): string | undefined;
  /** No frame is longer; bounds what is buffered while waiting for the rest. */
  readonly maxLength: number;
  /**
   * The frame carries its own length after the header (PMS5003: 42 4D 00 1C), so a header
   * with a valid length inside a frame is evidence enough of a truncated frame before it, even
   * when the frame it starts is itself corrupt or not complete yet.
   */
  readonly lengthInHeader?: boolean;
}

/** What the scanner threw away, for counting. */
export type Rejection = { readonly kind: 'garbage'; readonly bytes: number } | { readonly kind: 'corrupt'; readonly reason: string };

export class FrameScanner {
  private buffer: Buffer = Buffer.alloc(0);
  /** Set while flushing: nothing more is coming for now, so do not wait for an inner frame to complete. */
  private quiet = false;

  constructor(
    private readonly layout: FrameLayout,
    private readonly onFrame: (frame: Buffer) => void,
    private readonly onReject: (rejection: Rejection) => void,
  ) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let offset = 0;
    let skipped = 0;
    const { header } = this.layout;
    for (;;) {
      const start = this.findHeader(offset);
      if (start < 0) {
        // Keep a possible partial header at the end; everything before it is noise.
        const keep = Math.min(header.length - 1, this.buffer.length - offset);
        skipped += this.buffer.length - offset - keep;
        offset = this.buffer.length - keep;
        break;
      }
      skipped += start - offset;
      offset = start;
      const length = this.layout.frameLength(this.buffer, offset);
      if (length === undefined) break;
      if (!Number.isFinite(length) || length < header.length || length > this.layout.maxLength) {
        this.flushSkipped(skipped);
        skipped = 0;
        this.onReject({ kind: 'corrupt', reason: 'impossible frame length' });
        offset += 1;
        continue;
      }
      if (this.buffer.length - offset < length) break;
      const frame = this.buffer.subarray(offset, offset + length);
      let problem = this.layout.check(frame);
      if (problem === undefined) {
        // A truncated frame glued to the next one can pass a short checksum by chance; when
        // a sound frame starts inside this one, the inner one is the real frame.
        const inner = this.soundFrameInside(offset, length);
        if (inner === 'wait') break;
        if (inner) problem = 'truncated frame';
      }
      this.flushSkipped(skipped);
      skipped = 0;
      if (problem === undefined) {
        this.onFrame(Buffer.from(frame));
        offset += length;
      } else {
        this.onReject({ kind: 'corrupt', reason: problem });
        offset += 1;
      }
    }
    this.flushSkipped(skipped);
    this.buffer = offset >= this.buffer.length ? Buffer.alloc(0) : Buffer.from(this.buffer.subarray(offset));
    // A header that never completes (truncated frame, then silence) must not hold memory forever.
    if (this.buffer.length > this.layout.maxLength * 2) {
      this.onReject({ kind: 'garbage', bytes: this.buffer.length });
      this.buffer = Buffer.alloc(0);
    }
  }

  /**
   * The line went quiet: decide what was left waiting. A sound frame held back because a
   * header appeared inside it is accepted now; a partial frame stays for its rest.
   */
  flush(): void {
    this.quiet = true;
    try {
      this.push(Buffer.alloc(0));
    } finally {
      this.quiet = false;
    }
  }

  /** Forgets a partial frame: after a reopen, its rest will never come. */
  reset(): void {
    this.buffer = Buffer.alloc(0);
  }

  /**
   * Whether a frame starts inside [offset, offset + length): a complete, sound one, or, for
   * layouts with the length in the header, any header with a valid length; 'wait' when one
   * might but has not fully arrived.
   */
  private soundFrameInside(offset: number, length: number): boolean | 'wait' {
    for (let inner = this.findHeader(offset + 1); inner >= 0 && inner < offset + length; inner = this.findHeader(inner + 1)) {
      const innerLength = this.layout.frameLength(this.buffer, inner);
      if (innerLength === undefined) return this.quiet ? false : 'wait';
      if (!Number.isFinite(innerLength) || innerLength > this.layout.maxLength) continue;
      if (this.layout.lengthInHeader) return true;
      if (this.buffer.length - inner < innerLength) return this.quiet ? false : 'wait';
      if (this.layout.check(this.buffer.subarray(inner, inner + innerLength)) === undefined) return true;
    }
    return false;
  }

  private findHeader(from: number): number {
    const { header } = this.layout;
    const first = header[0]!;
    for (let index = this.buffer.indexOf(first, from); index >= 0; index = this.buffer.indexOf(first, index + 1)) {
      let matches = true;
      for (let at = 1; at < header.length && index + at < this.buffer.length; at++) {
        if (this.buffer[index + at] !== header[at]) {
          matches = false;
          break;
        }
      }
      if (matches) return index;
    }
    return -1;
  }

  private flushSkipped(bytes: number): void {
    if (bytes > 0) this.onReject({ kind: 'garbage', bytes });
  }
}
