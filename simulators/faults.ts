/**
 * Fault injection shared by the twins: what a real device or its cable does wrong, on
 * demand (`inject`) or at random rates from the config, reproducibly from a seed.
 */
import { z } from 'zod';
import { SeededRandom } from './models/random.js';

/** Faults applied to one frame or line on its way out. */
export const frameFaults = ['bad-checksum', 'truncated', 'garbage', 'noise'] as const;
export type FrameFault = (typeof frameFaults)[number];

const probability = z.number().min(0).max(1);

/** `faults:` in a simulator's options: the chance of each fault per frame, and the device's states. */
export const faultOptionsShape = {
  faults: z
    .strictObject({
      badChecksum: probability.default(0).describe('a corrupted byte, so the checksum fails'),
      truncated: probability.default(0).describe('the frame cut short'),
      garbage: probability.default(0).describe('random bytes before the frame'),
      noise: probability.default(0).describe('the frame replaced by line noise, as at a wrong baud rate'),
      stuck: z.boolean().default(false).describe('the sensor repeats its last value'),
      silent: z.boolean().default(false).describe('the device sends nothing'),
    })
    .default({ badChecksum: 0, truncated: 0, garbage: 0, noise: 0, stuck: false, silent: false }),
};

export type FaultOptions = z.infer<z.ZodObject<typeof faultOptionsShape>>['faults'];

export const noFaults: FaultOptions = { badChecksum: 0, truncated: 0, garbage: 0, noise: 0, stuck: false, silent: false };

/** What happened to one outgoing frame, so tests know which frames a driver must recover. */
export interface FaultOutcome {
  readonly bytes: Buffer;
  /** Undefined: the frame went out intact. */
  readonly fault?: FrameFault | undefined;
}

export class FaultInjector {
  private readonly random: SeededRandom;
  private readonly queued: FrameFault[] = [];
  stuck: boolean;
  silent: boolean;

  /**
   * @param corrupt how this device's frames are corrupted for `bad-checksum`, where a flipped
   * byte would not do (a line without checksum, where one digit can become another); undefined
   * keeps the flipped byte.
   */
  constructor(
    seed: number,
    private readonly rates: FaultOptions = noFaults,
    private readonly corrupt?: (frame: Buffer) => Buffer | undefined,
  ) {
    this.random = new SeededRandom(seed ^ 0x5eed);
    this.stuck = rates.stuck;
    this.silent = rates.silent;
  }

  /** The next `count` frames get `fault`. */
  inject(fault: FrameFault, count = 1): void {
    for (let index = 0; index < count; index++) this.queued.push(fault);
  }

  /** Drops the injected faults not yet applied and ends stuck and silent; the configured fault rates stay. */
  clear(): void {
    this.queued.length = 0;
    this.stuck = false;
    this.silent = false;
  }

  /**
   * Applies the next fault, if any, to a frame. `protectedPrefix` bytes (the header) are not
   * corrupted by `bad-checksum`, so the frame is still recognised and then rejected.
   */
  apply(frame: Buffer, protectedPrefix = 0): FaultOutcome {
    const fault = this.queued.shift() ?? this.randomFault();
    switch (fault) {
      case undefined:
        return { bytes: frame };
      case 'bad-checksum': {
        const corrupted = Buffer.from(frame);
        const at = protectedPrefix + Math.floor(this.random.next() * (frame.length - protectedPrefix));
        corrupted[at] = corrupted[at]! ^ (1 + Math.floor(this.random.next() * 255));
        // The flip is drawn either way, so a device's own corruption leaves the fault sequence as it was.
        return { bytes: this.corrupt?.(frame) ?? corrupted, fault };
      }
      case 'truncated':
        return { bytes: frame.subarray(0, Math.max(1, Math.floor(this.random.next() * (frame.length - 1)))), fault };
      case 'garbage':
        return { bytes: Buffer.concat([this.randomBytes(1 + Math.floor(this.random.next() * 16)), frame]), fault };
      case 'noise':
        return { bytes: this.randomBytes(frame.length), fault };
    }
  }

  private randomFault(): FrameFault | undefined {
    const roll = this.random.next();
    let threshold = 0;
    for (const [fault, rate] of [
      ['bad-checksum', this.rates.badChecksum],
      ['truncated', this.rates.truncated],
      ['garbage', this.rates.garbage],
      ['noise', this.rates.noise],
    ] as const) {
      threshold += rate;
      if (roll < threshold) return fault;
    }
    return undefined;
  }

  private randomBytes(count: number): Buffer {
    return Buffer.from(Array.from({ length: count }, () => Math.floor(this.random.next() * 256)));
  }
}
