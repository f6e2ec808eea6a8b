/**
 * `boards[].sensors[].filters`: a list of single-key mappings, applied in order, as ESPHome
 * writes them (`- delta: { absolute: 0.01 }`). Each key has its own schema, so a problem has
 * the path of the option it is in (`filters[2].median.window`) and an unknown filter name gets
 * the nearest known ones.
 */
import { z } from 'zod';
import { fitPolynomial, type CalibrationPoint } from './least-squares.js';

const durationMs = (what: string) => z.number().int().min(1).max(7 * 86_400_000).describe(`${what}, milliseconds (at most a week)`);
const point = z.tuple([z.number(), z.number()]).describe('[measured, true]');
const MAX_DEGREE = 5;

type Ctx = z.RefinementCtx;
const problem = (ctx: Ctx, path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
const always = { when: () => true };

/** A calibration the points cannot determine is refused here, not found as NaN readings in the field. */
function checkFit(points: readonly CalibrationPoint[] | undefined, degree: number, ctx: Ctx, path: PropertyKey[]): void {
  if (!points || points.length < 2) return;
  const fit = fitPolynomial(points, degree);
  if ('reason' in fit) problem(ctx, path, fit.reason);
}

function bounds(options: { min?: number | undefined; max?: number | undefined }, ctx: Ctx): void {
  if (options.min === undefined && options.max === undefined) problem(ctx, [], 'give min, max or both');
  else if (options.min !== undefined && options.max !== undefined && options.min > options.max) problem(ctx, ['max'], `max ${options.max} is below min ${options.min}`);
}

const windowSchema = (statistic: string) =>
  z
    .strictObject({
      window: z.number().int().min(1).max(1000).default(5).describe('how many of the last readings'),
      sendEvery: z.number().int().min(1).max(1000).default(1).describe('send every n-th result'),
      sendFirstAt: z.number().int().min(1).max(1000).default(1).describe('the first result is sent at the n-th reading'),
    })
    .superRefine((options, ctx) => {
      if (options.sendFirstAt > options.sendEvery) problem(ctx, ['sendFirstAt'], `must not exceed sendEvery (${options.sendEvery})`);
    }, always)
    .describe(`the ${statistic} of a sliding window of readings`);

/** One schema per filter, under its name. */
export const filterShapes = {
  offset: z.number().describe('adds this to the value'),
  multiply: z.number().describe('multiplies the value by this'),
  calibrate_linear: z
    .array(point)
    .min(2, 'at least two [measured, true] points')
    .superRefine((points, ctx) => checkFit(points, 1, ctx, []), always)
    .describe('[measured, true] pairs: two give the line through them, more the least-squares line'),
  calibrate_polynomial: z
    .strictObject({
      degree: z.number().int().min(1).max(MAX_DEGREE).optional().describe('degree of the least-squares polynomial through points'),
      points: z.array(point).min(2).optional().describe('[measured, true] pairs'),
      coefficients: z.array(z.number()).min(1).max(MAX_DEGREE + 1).optional().describe('or the polynomial itself, constant term first: c0 + c1·x + c2·x²...'),
    })
    .superRefine((options, ctx) => {
      if (options.coefficients !== undefined) {
        if (options.degree !== undefined || options.points !== undefined) problem(ctx, ['coefficients'], 'give coefficients, or degree and points, not both');
        return;
      }
      if (options.degree === undefined) problem(ctx, ['degree'], 'required (with points), unless coefficients are given');
      if (options.points === undefined) problem(ctx, ['points'], 'required (with degree), unless coefficients are given');
      if (options.degree !== undefined) checkFit(options.points, options.degree, ctx, ['points']);
    }, always)
    .describe('a polynomial fitted through [measured, true] points, or given by its coefficients'),
  clamp: z
    .strictObject({ min: z.number().optional(), max: z.number().optional() })
    .superRefine(bounds, always)
    .describe('limits the value to [min, max]'),
  range: z
    .strictObject({
      min: z.number().optional(),
      max: z.number().optional(),
      action: z.enum(['drop', 'flag']).describe('drop: the reading is not sent; flag: it is sent marked below or above'),
    })
    .superRefine(bounds, always)
    .describe('readings outside [min, max] are dropped or flagged'),
  median: windowSchema('median'),
  mean: windowSchema('mean'),
  min: windowSchema('minimum'),
  max: windowSchema('maximum'),
  ema: z
    .strictObject({
      alpha: z.number().gt(0).max(1).describe('weight of the newest reading, in (0, 1]'),
      sendEvery: z.number().int().min(1).max(1000).default(1).describe('send every n-th result'),
    })
    .describe('exponential moving average'),
  throttle: z.strictObject({ intervalMs: durationMs('at most one reading per interval') }).describe('the first reading passes, then none until the interval has passed'),
  throttle_average: z.strictObject({ intervalMs: durationMs('one reading per interval') }).describe('the mean of the readings of each interval; nothing for an empty one'),
  delta: z
    .strictObject({
      absolute: z.number().min(0).optional().describe('send when the value moved more than this from the last sent one'),
      percent: z.number().min(0).optional().describe('...or more than this percentage of it'),
    })
    .superRefine((options, ctx) => {
      if (options.absolute === undefined && options.percent === undefined) problem(ctx, [], 'give absolute, percent or both');
    }, always)
    .describe('sends a reading only when it changed enough since the last one sent; the first is always sent'),
  heartbeat: z.strictObject({ intervalMs: durationMs('re-send after this long without a send') }).describe('re-sends the last value, stamped now, when nothing was sent for the interval'),
  timeout: z
    .strictObject({
      afterMs: durationMs('silence that counts as the sensor gone'),
      value: z.union([z.number(), z.string(), z.boolean()]).optional().describe('sent once when the sensor falls silent'),
    })
    .describe('reports a sensor that sends nothing for afterMs (problem sensor-silent)'),
  debounce: z.strictObject({ ms: durationMs('how long a new state must hold') }).describe('for states: a new value passes once it has held for ms'),
  round: z.strictObject({ decimals: z.number().int().min(0).max(15) }).describe('rounds to this many decimal places'),
  aggregate: z
    .strictObject({
      intervalMs: durationMs('window'),
      send: z.array(z.enum(['min', 'mean', 'max'])).min(1).default(['min', 'mean', 'max']).describe('which of <name>_min, <name>_mean, <name>_max to send'),
    })
    .describe('per interval, readings <name>_min, <name>_mean and <name>_max instead of each reading'),
};

export type FilterName = keyof typeof filterShapes;
export const FILTER_NAMES = Object.keys(filterShapes) as FilterName[];

/** One filter as validated: a single key, its options with defaults filled in. */
export type FilterConfig = { [Name in FilterName]: { [Key in Name]: z.output<(typeof filterShapes)[Name]> } }[FilterName];

/** One entry of the list: every filter is an optional key, and exactly one must be there. */
const filterEntry = z
  .strictObject(Object.fromEntries(FILTER_NAMES.map((name) => [name, filterShapes[name].optional()])) as { [Name in FilterName]: z.ZodOptional<(typeof filterShapes)[Name]> })
  .superRefine((entry, ctx) => {
    // Not a mapping, or a misspelt name (reported as unknown, with the nearest names): more would be noise.
    if (typeof entry !== 'object' || entry === null || ctx.issues.some((issue) => issue.code === 'unrecognized_keys' && (issue.path ?? []).length === 0)) return;
    const names = Object.keys(entry).filter((key) => entry[key as FilterName] !== undefined);
    if (names.length === 0) problem(ctx, [], 'a filter: one of its names with its options, such as delta: { absolute: 0.01 }');
    if (names.length > 1) problem(ctx, [], `one filter per list entry, found ${names.join(' and ')}: start each with its own "-"`);
  }, always)
  .meta({ minProperties: 1, maxProperties: 1 });

/** `filters` on every sensor: optional, no filters by default. */
export const filtersSchema = z.array(filterEntry).max(32).optional().describe('processing before a reading is sent, in order: offset, multiply, calibrate_linear, calibrate_polynomial, clamp, range, median, mean, min, max, ema, throttle, throttle_average, delta, heartbeat, timeout, debounce, round, aggregate');
