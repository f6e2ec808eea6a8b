import { z } from 'zod';
import { registerCount, registerTypes, wordOrders, type RegisterType } from './decode.js';

/** Most retries of a request: each one can hold the bus for a further timeoutMs. */
export const MAX_RETRIES = 3;

/** Options of the bus (`boards[].device` with `type: modbus-rtu`): one master's timing, shared by every slave on it. */
export const modbusRtuDeviceShape = {
  intervalMs: z.number().int().min(100).default(5000).describe('how often the bus is polled'),
  timeoutMs: z.number().int().min(10).default(1000).describe('an answer not complete by then is counted as a timeout; must be shorter than intervalMs'),
  silenceMs: z
    .number()
    .min(0)
    .default(5)
    .describe('silence between frames, at least 3.5 characters: 4.01 ms at 9600 baud, 8.02 at 4800, 1.75 above 19200'),
  retries: z
    .number()
    .int()
    .min(0)
    .max(MAX_RETRIES)
    .default(0)
    .describe('how many times a request that timed out or came back corrupt is sent again, after silenceMs; exceptions are answers and are not retried'),
};

/** Options of one value read from a slave (`boards[].sensors[]`): where it is and how it is read. */
export const modbusRtuSensorShape = {
  slave: z.number().int().min(1).max(247).default(1).describe('the slave (unit) address, 1-247; one bus may hold several slaves'),
  function: z.union([z.literal(3), z.literal(4)]).default(3).describe('3: read holding registers; 4: read input registers'),
  register: z.number().int().min(0).max(0xffff).describe('zero-based register address as sent on the wire (register 40001 of a manual is 0 with function 3; 30001 is 0 with function 4)'),
  dataType: z.enum(registerTypes).default('uint16').describe('int16, uint16 (one register); int32, uint32, float32 (two registers)'),
  wordOrder: z.enum(wordOrders).default('big').describe('32-bit values: big = high word at the lower address (AB CD), little = low word first (CD AB)'),
  scale: z.number().finite().default(1).describe('value = raw × scale + offset (e.g. 0.1 for tenths)'),
  offset: z.number().finite().default(0),
};

/** The bus's options as the driver receives them, defaults filled in. */
export type ModbusRtuDeviceOptions = z.infer<z.ZodObject<typeof modbusRtuDeviceShape>>;
/** A value's options as the driver receives them, defaults filled in. */
export type ModbusRtuSensorOptions = z.infer<z.ZodObject<typeof modbusRtuSensorShape>>;

/**
 * The answer must come, or be given up, before the next poll. Runs even when other options
 * are invalid, so it must not trust their types.
 */
export function refineModbusRtuDevice(options: ModbusRtuDeviceOptions, ctx: z.RefinementCtx): void {
  if (typeof options.intervalMs === 'number' && typeof options.timeoutMs === 'number' && options.timeoutMs >= options.intervalMs) {
    ctx.addIssue({ code: 'custom', path: ['timeoutMs'], message: `must be shorter than intervalMs (${options.intervalMs})` });
  }
}

/** A value must fit in the register space. Runs even when other options are invalid, so it must not trust their types. */
export function refineModbusRtuSensor(options: ModbusRtuSensorOptions, ctx: z.RefinementCtx): void {
  if (typeof options.register === 'number' && (registerTypes as readonly unknown[]).includes(options.dataType)) {
    const last = options.register + registerCount(options.dataType as RegisterType) - 1;
    if (last > 0xffff) ctx.addIssue({ code: 'custom', path: ['register'], message: `a ${options.dataType} needs registers ${options.register}-${last}, past the last register 65535` });
  }
}
