import { registerCount, type RegisterType } from './decode.js';
import { MAX_READ_REGISTERS, type ReadFunction, type ReadRequest } from './frame.js';

/** Where one sensor's value sits in a read. */
export interface PlannedValue<Sensor> {
  readonly sensor: Sensor;
  /** Index of its first register in the answer. */
  readonly at: number;
  readonly count: 1 | 2;
}

/** One request of the poll cycle and the sensors its answer feeds. */
export interface PlannedRead<Sensor> {
  readonly request: ReadRequest;
  readonly values: readonly PlannedValue<Sensor>[];
}

interface Addressed {
  readonly options: { readonly slave: number; readonly function: ReadFunction; readonly register: number; readonly dataType: RegisterType };
}

/**
 * The requests of one poll cycle: sensors of the same slave and function whose registers
 * touch or overlap share one read (up to 125 registers), so a probe with six values costs
 * one round trip instead of six. Gaps are not bridged: a slave may refuse registers it does
 * not have. Ordered by slave, function and address, so the cycle is the same every time.
 */
export function planReads<Sensor extends Addressed>(sensors: readonly Sensor[]): PlannedRead<Sensor>[] {
  const sorted = [...sensors].sort((a, b) => a.options.slave - b.options.slave || a.options.function - b.options.function || a.options.register - b.options.register);
  const blocks: { slave: number; fn: ReadFunction; start: number; end: number; members: Sensor[] }[] = [];
  for (const sensor of sorted) {
    const { slave, register, dataType } = sensor.options;
    const fn = sensor.options.function;
    const end = register + registerCount(dataType) - 1;
    const block = blocks.at(-1);
    if (block && block.slave === slave && block.fn === fn && register <= block.end + 1 && Math.max(block.end, end) - block.start + 1 <= MAX_READ_REGISTERS) {
      block.end = Math.max(block.end, end);
      block.members.push(sensor);
    } else {
      blocks.push({ slave, fn, start: register, end, members: [sensor] });
    }
  }
  return blocks.map((block) => ({
    request: { slave: block.slave, function: block.fn, address: block.start, quantity: block.end - block.start + 1 },
    values: block.members.map((sensor) => ({ sensor, at: sensor.options.register - block.start, count: registerCount(sensor.options.dataType) })),
  }));
}
