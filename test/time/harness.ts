/**
 * A node's time on virtual time, as far as the wire: readings through a real batcher, the
 * timeline, the SenML-CBOR encoder and fieldnode's decoder, with a fake NTP probe.
 */
import { decodeMessage, encodePack, type DecodedMessage } from '../../src/codec/index.js';
import { clockSchema } from '../../src/config/clock-schema.js';
import { VirtualClock } from '../../src/core/clock.js';
import type { NtpState } from '../../src/core/trusted-time.js';
import { Batcher } from '../../src/pipeline/batcher.js';
import type { Reading } from '../../src/core/reading.js';
import { NodeTime } from '../../src/time/node-time.js';
import type { NtpProbe } from '../../src/time/ntp-status.js';
import { memoryLogger } from '../support/memory-logger.js';

/** A probe whose answer the test sets. */
export function fakeProbe(state: NtpState): NtpProbe & { state: NtpState } {
  const probe = { state, read: async () => ({ state: probe.state, via: 'timedatectl' as const }) };
  return probe;
}

/** Lets the probe's answer (a promise) land. */
export async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) await Promise.resolve();
}

export interface WireReading {
  readonly name: string;
  readonly value: unknown;
  /** Epoch milliseconds as decoded from the pack. */
  readonly time: number;
  readonly clock?: 'untrusted' | undefined;
}

export class TimeRig {
  readonly clock: VirtualClock;
  readonly logger = memoryLogger();
  readonly probe: ReturnType<typeof fakeProbe>;
  readonly time: NodeTime;
  readonly packs: DecodedMessage[] = [];
  readonly problems: { board: string; kind: string }[] = [];
  /** The true UTC time of every reading taken, by value. */
  readonly truth = new Map<number, number>();
  private readonly batcher: Batcher<Reading>;
  private next = 0;

  constructor(options: { bootWallMs: number; trueAtBootMs: number; ntp: NtpState; clock?: Record<string, unknown>; maxReadings?: number; maxDelayMs?: number }) {
    this.clock = new VirtualClock(options.bootWallMs);
    this.trueAtBoot = options.trueAtBootMs;
    this.probe = fakeProbe(options.ntp);
    this.time = new NodeTime({
      base: this.clock,
      logger: this.logger,
      config: clockSchema.parse(options.clock ?? {}),
      probe: this.probe,
      count: (board, kind) => void this.problems.push({ board, kind }),
    });
    const onBatch = this.time.dating('station', (readings) => {
      this.packs.push(decodeMessage(encodePack(readings, 'node/station/', { boot: 1, seq: this.packs.length + 1 })));
    });
    this.batcher = new Batcher<Reading>({ maxItems: options.maxReadings ?? 5, maxDelayMs: options.maxDelayMs ?? 4000, clock: this.clock, onBatch });
  }

  private readonly trueAtBoot: number;

  /** Readings still in the batcher. */
  get pending(): number {
    return this.batcher.pending;
  }

  /** True UTC now: the simulated world's time. */
  trueNow(): number {
    return this.trueAtBoot + this.clock.monotonic();
  }

  async start(): Promise<void> {
    await this.time.ntp.start();
    await this.time.timeline.start();
  }

  async stop(): Promise<void> {
    this.batcher.flush();
    await this.time.timeline.stop();
    await this.time.ntp.stop();
  }

  /** One reading now, stamped as a board stamps it (the node's wall clock, and monotonic time). */
  read(): void {
    const value = ++this.next;
    this.truth.set(value, this.trueNow());
    this.batcher.add({ name: 'level', unit: 'm', value, time: this.time.clock.now(), monotonic: this.clock.monotonic() });
  }

  /** A reading every second for `seconds`, letting probe answers land as time passes. */
  async run(seconds: number): Promise<void> {
    for (let second = 0; second < seconds; second++) {
      this.clock.advance(1000);
      await settle();
      this.read();
    }
  }

  /** Everything decoded from the packs, in order. */
  wire(): WireReading[] {
    return this.packs.flatMap((pack) => pack.records.map((record) => ({ name: record.name, value: record.value, time: Math.round(record.time * 1000), clock: record.clock })));
  }

  /** For each reading on the wire: its decoded time minus its true time (all zero when dated right). */
  errors(): number[] {
    return this.wire().map((reading) => reading.time - this.truth.get(reading.value as number)!);
  }
}
