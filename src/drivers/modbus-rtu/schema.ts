import { z } from 'zod';
import { registerCount, registerTypes, wordOrders, type RegisterType } from './decode.js';

/** Options of one value read from a Modbus RTU slave (`sensors[].driver` with `type: modbus-rtu`). */
export const modbusRtuOptionsShape = {
  slave: z.number().int().min(1).max(247).default(1).describe('the slave (unit) address, 1-247'),
  function: z.union([z.literal(3), z.literal(4)]).default(3).describe('3: read holding registers; 4: read input registers'),
  register: z.number().int().min(0).max(0xffff).describe('zero-based register address as sent on the wire (register 40001 of a manual is 0 with function 3; 30001 is 0 with function 4)'),
  dataType: z.enum(registerTypes).default('uint16').describe('int16, uint16 (one register); int32, uint32, float32 (two registers)'),
  wordOrder: z.enum(wordOrders).default('big').describe('32-bit values: big = high word at the lower address (AB CD), little = low word first (CD AB)'),
  scale: z.number().finite().default(1).describe('value = raw × scale + offset (e.g. 0.1 for tenths)'),
  offset: z.number().finite().default(0),
  intervalMs: z.number().int().min(100).default(5000).describe('how often the bus is polled; one value for all sensors of a board'),
  timeoutMs: z.number().int().min(10).default(1000).describe('an answer not complete by then is counted as a timeout; one value for all sensors of a board'),
  silenceMs: z
    .number()
    .min(0)
    .default(5)
    .describe('silence between frames, at least 3.5 characters: 4.01 ms at 9600 baud, 8.02 at 4800, 1.75 above 19200; one value for all sensors of a board'),
};

export type ModbusRtuOptions = z.infer<z.ZodObject<typeof modbusRtuOptionsShape>>;

/** Options that belong to the bus, so every sensor of a board must agree on them. */
export const busOptions = ['intervalMs', 'timeoutMs', 'silenceMs'] as const;

/**
 * A value must fit in the register space, and the answer must come before the next poll.
 * Runs even when other options are invalid, so it must not trust their types.
 */
export function refineModbusRtuOptions(options: ModbusRtuOptions, ctx: z.RefinementCtx): void {
  if (typeof options.register === 'number' && (registerTypes as readonly unknown[]).includes(options.dataType)) {
    const last = options.register + registerCount(options.dataType as RegisterType) - 1;
    if (last > 0xffff) ctx.addIssue({ code: 'custom', path: ['register'], message: `a ${options.dataType} needs registers ${options.register}-${last}, past the last register 65535` });
  }
  if (typeof options.intervalMs === 'number' && typeof options.timeoutMs === 'number' && options.timeoutMs >= options.intervalMs) {
    ctx.addIssue({ code: 'custom', path: ['timeoutMs'], message: `must be shorter than intervalMs (${options.intervalMs})` });
  }
}
