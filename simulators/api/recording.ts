/**
 * What a twin wrote, kept for the test that started it: a bounded record of its last writes
 * (one frame or line each for the bundled twins), listeners for new ones, and a promise for
 * the next one.
 */
import { FieldnodeError, type DeviceLink, type TwinDefinition } from '../../src/index.js';

/** How many writes `emitted()` keeps by default: minutes of any bundled twin, a few hundred KiB at most. */
export const DEFAULT_KEPT_WRITES = 1024;

/** Waits for the next write that `matching` accepts (any, by default). */
export interface NextDataOptions {
  /** Real milliseconds before giving up (default 5000); with a virtual clock, advance it instead of waiting. */
  readonly timeoutMs?: number;
  readonly matching?: (data: Buffer) => boolean;
}

/** Records a twin's writes as they pass through its link. */
export class EmissionRecorder {
  private readonly kept: Buffer[] = [];
  private readonly listeners = new Set<(data: Buffer) => void>();
  private readonly waiters = new Set<{ reject(error: Error): void }>();
  private total = 0;

  constructor(private readonly limit: number = DEFAULT_KEPT_WRITES) {
    if (!Number.isInteger(limit) || limit < 1) throw new FieldnodeError(`keep must be a whole number of writes, at least 1 (got ${String(limit)})`, 'USAGE');
  }

  /** The twin's link, seen through the recorder: every write is kept, told to listeners, then passed on. */
  wrap(link: DeviceLink): DeviceLink {
    return {
      write: (data) => {
        this.record(data);
        return link.write(data);
      },
    };
  }

  /** The twin, whatever link it is given, writing through the recorder. */
  wrapTwin(twin: TwinDefinition): TwinDefinition {
    // Fields copied one by one: a plugin's twin may be a class instance whose members live on its prototype.
    return {
      device: twin.device,
      summary: twin.summary,
      defaultBaud: twin.defaultBaud,
      optionsShape: twin.optionsShape,
      readBy: twin.readBy,
      create: (options, link, clock) => twin.create(options, this.wrap(link), clock),
    };
  }

  /** The kept writes, oldest first (copies: the twin may reuse its buffers). */
  emitted(): Buffer[] {
    return [...this.kept];
  }

  /** Writes made since the start, including those no longer kept. */
  get writeCount(): number {
    return this.total;
  }

  onData(listener: (data: Buffer) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  nextData(options: NextDataOptions = {}): Promise<Buffer> {
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise<Buffer>((resolve, reject) => {
      const waiter = { reject: (error: Error) => settle(() => reject(error)) };
      const unsubscribe = this.onData((data) => {
        if (!options.matching || options.matching(data)) settle(() => resolve(data));
      });
      const timer = setTimeout(() => waiter.reject(new FieldnodeError(`the twin wrote nothing${options.matching ? ' that matched' : ''} within ${timeoutMs} ms`, 'TIMEOUT')), timeoutMs);
      const settle = (done: () => void) => {
        clearTimeout(timer);
        unsubscribe();
        this.waiters.delete(waiter);
        done();
      };
      this.waiters.add(waiter);
    });
  }

  /** Fails every pending `nextData`, as nothing more will come. */
  close(reason: string): void {
    for (const waiter of [...this.waiters]) waiter.reject(new FieldnodeError(reason, 'STOPPED'));
  }

  private record(data: Buffer): void {
    const copy = Buffer.from(data);
    this.total++;
    this.kept.push(copy);
    if (this.kept.length > this.limit) this.kept.shift();
    for (const listener of [...this.listeners]) listener(copy);
  }
}
