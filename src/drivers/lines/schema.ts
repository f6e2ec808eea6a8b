import { z } from 'zod';

/** Line layouts printed by Arduino-class sketches. */
export const lineFormats = ['kv', 'csv', 'json'] as const;
export type LineFormat = (typeof lineFormats)[number];

/** How the text of a field becomes a SenML value. */
export const valueKinds = ['number', 'boolean', 'string'] as const;
export type ValueKind = (typeof valueKinds)[number];

/** Options of a line-printing board (`boards[].device` with `type: lines`): the one layout its sketch prints. */
export const linesDeviceShape = {
  format: z.enum(lineFormats).default('kv').describe('kv: `t=21.5,h=40`; csv: `21.5,40`; json: `{"t":21.5}`'),
  delimiter: z.string().length(1).default(',').describe('csv: the column separator'),
};

/** Options of one sensor read from the lines (`boards[].sensors[]`): where its field is and how it is read. */
export const linesSensorShape = {
  key: z.string().min(1).optional().describe('kv and json: the field name; json accepts a dotted path (`env.t`)'),
  column: z.number().int().min(0).optional().describe('csv: zero-based column index'),
  as: z.enum(valueKinds).default('number').describe('how the field is read'),
  scale: z.number().finite().default(1).describe('value = raw × scale + offset (e.g. 0.1 for tenths)'),
  offset: z.number().finite().default(0),
};

/** The board's line layout as the driver receives it, defaults filled in. */
export type LinesDeviceOptions = z.infer<z.ZodObject<typeof linesDeviceShape>>;
/** A sensor's options as the driver receives them, defaults filled in. */
export type LinesSensorOptions = z.infer<z.ZodObject<typeof linesSensorShape>>;

/** Only numbers scale. Runs even when other options are invalid, so it must not trust their types. */
export function refineLinesSensor(options: LinesSensorOptions, ctx: z.RefinementCtx): void {
  if (options.as !== undefined && options.as !== 'number' && (options.scale !== 1 || options.offset !== 0)) {
    ctx.addIssue({ code: 'custom', path: ['scale'], message: `scale and offset apply to numbers, not to as: ${String(options.as)}` });
  }
}
