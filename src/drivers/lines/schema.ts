import { z } from 'zod';

/** Line layouts printed by Arduino-class sketches. */
export const lineFormats = ['kv', 'csv', 'json'] as const;
export type LineFormat = (typeof lineFormats)[number];

/** How the text of a field becomes a SenML value. */
export const valueKinds = ['number', 'boolean', 'string'] as const;
export type ValueKind = (typeof valueKinds)[number];

/** Options of one sensor read from a line-oriented board (`sensors[].driver` with `type: lines`). */
export const linesOptionsShape = {
  format: z.enum(lineFormats).default('kv').describe('kv: `t=21.5,h=40`; csv: `21.5,40`; json: `{"t":21.5}`'),
  key: z.string().min(1).optional().describe('kv and json: the field name; json accepts a dotted path (`env.t`)'),
  column: z.number().int().min(0).optional().describe('csv: zero-based column index'),
  delimiter: z.string().length(1).default(',').describe('csv: the column separator'),
  as: z.enum(valueKinds).default('number').describe('how the field is read'),
  scale: z.number().finite().default(1).describe('value = raw × scale + offset (e.g. 0.1 for tenths)'),
  offset: z.number().finite().default(0),
};

export type LinesOptions = z.infer<z.ZodObject<typeof linesOptionsShape>>;

/**
 * A kv or json sensor names its key; a csv sensor names its column; only numbers scale.
 * Runs even when other options are invalid, so it must not trust their types.
 */
export function refineLinesOptions(options: LinesOptions, ctx: z.RefinementCtx): void {
  const format = (lineFormats as readonly unknown[]).includes(options.format) ? options.format : undefined;
  if (format === 'csv' && options.column === undefined) {
    ctx.addIssue({ code: 'custom', path: ['column'], message: 'required when format is csv' });
  }
  if (format !== undefined && format !== 'csv' && options.key === undefined) {
    ctx.addIssue({ code: 'custom', path: ['key'], message: `required when format is ${format}` });
  }
  if (options.as !== undefined && options.as !== 'number' && (options.scale !== 1 || options.offset !== 0)) {
    ctx.addIssue({ code: 'custom', path: ['scale'], message: `scale and offset apply to numbers, not to as: ${String(options.as)}` });
  }
}
