/**
 * What sensors a device can offer, read from its driver's sensor shape: every value of a
 * `field` enum (with the unit its description or README gives), one sensor per key or pin the
 * technician names, or the single reading of a device that measures one thing.
 */
import { z } from 'zod';
import type { DriverDefinition } from '../drivers/driver.js';
import { identifier, unitName } from '../config/identifiers.js';
import type { SensorAnswer } from './answers.js';
import type { SampleSensor } from './driver-samples.js';

/** How a device's sensors are chosen. */
export type SensorPlan =
  /** Pick among the quantities the device reports (sds011: pm2_5, pm10). */
  | { readonly kind: 'fields'; readonly option: string; readonly choices: readonly SensorAnswer[] }
  /** Name the keys, pins or registers to read (lines: t, h; thermometer: A0). */
  | { readonly kind: 'keyed'; readonly option: string; readonly description?: string | undefined }
  /** The device measures one thing (mhz19: co2). */
  | { readonly kind: 'single'; readonly sensor: SensorAnswer };

/** The schema beneath optional/default wrappers, and the first description found on the way. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; description?: string | undefined } {
  let current: z.ZodType = schema;
  let description = schema.description;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) {
    current = current.unwrap() as z.ZodType;
    description ??= current.description;
  }
  return { inner: current, description };
}

const isRequired = (schema: z.ZodType) => !schema.safeParse(undefined).success;

/** How the sensors of a device with this driver are chosen; `samples` are its README's sample sensors. */
export function sensorPlanFor(driver: DriverDefinition, samples: readonly SampleSensor[] = []): SensorPlan {
  const shape = driver.sensorShape as Record<string, z.ZodType>;
  const keys = Object.keys(shape);
  const requiredOther = keys.find((key) => isRequired(shape[key]!) && !(unwrap(shape[key]!).inner instanceof z.ZodEnum));
  if (requiredOther !== undefined) return { kind: 'keyed', option: requiredOther, description: unwrap(shape[requiredOther]!).description };
  const field = keys.find((key) => unwrap(shape[key]!).inner instanceof z.ZodEnum && isRequired(shape[key]!));
  if (field !== undefined) {
    const { inner, description } = unwrap(shape[field]!);
    const values = (inner as z.ZodEnum).options.map(String);
    const units = unitsFromDescription(description ?? '', values);
    const choices = values.map((value) => {
      const sample = samples.find((sensor) => sensor[field] === value);
      const unit = units.get(value) ?? (typeof sample?.unit === 'string' ? sample.unit : undefined);
      return { name: sensorName(value), unit, options: { [field]: value } };
    });
    return { kind: 'fields', option: field, choices };
  }
  if (keys.includes('key')) return { kind: 'keyed', option: 'key', description: unwrap(shape['key']!).description };
  const sample = samples.find((sensor) => typeof sensor.name === 'string');
  const name = typeof sample?.name === 'string' ? sample.name : sensorName(driver.type);
  return { kind: 'single', sensor: { name, unit: typeof sample?.unit === 'string' ? sample.unit : undefined, options: {} } };
}

/** A sensor name the schema accepts, made from a field, key or pin (`env.t` → `env_t`). */
export function sensorName(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[^A-Za-z0-9]+/, '');
  return identifier.safeParse(cleaned).success ? cleaned : 'sensor';
}

/** The value of a keyed option as the driver wants it: a number where its schema takes one. */
export function parseOptionValue(driver: DriverDefinition, option: string, text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  const schema = (driver.sensorShape as Record<string, z.ZodType>)[option];
  if (!schema) return { ok: false, reason: `${driver.type} has no sensor option ${option}` };
  const numeric = unwrap(schema).inner instanceof z.ZodNumber || (unwrap(schema).inner instanceof z.ZodUnion && /^-?\d+(\.\d+)?$/.test(text));
  const value = numeric && text.trim() !== '' ? Number(text) : text;
  const result = schema.safeParse(value);
  return result.success ? { ok: true, value } : { ok: false, reason: result.error.issues[0]?.message ?? 'not accepted' };
}

/** The natural name and unit of a keyed value, where a README sample shows one for it. */
export function keyedDefaults(option: string, value: unknown, samples: readonly SampleSensor[]): { name: string; unit?: string | undefined } {
  const sample = samples.find((sensor) => sensor[option] === value);
  const name = typeof sample?.name === 'string' ? sample.name : sensorName(String(value));
  return { name, unit: typeof sample?.unit === 'string' ? sample.unit : undefined };
}

/**
 * Units stated in an option's description, per enum value: a clause (split at `;`) with
 * `(unit: X)` or `(unit string: X)` gives X to the values it names, and to values sharing
 * their first word (`particles_0_3um … particles_10um`); `value (X, ...)` gives X to that value
 * alone unless it says "no unit".
 */
export function unitsFromDescription(description: string, values: readonly string[]): Map<string, string> {
  const units = new Map<string, string>();
  const named = (clause: string, value: string) => new RegExp(`(^|[^A-Za-z0-9_])${value}([^A-Za-z0-9_]|$)`).test(clause);
  for (const clause of description.split(';')) {
    const stated = /\(unit(?: string)?:\s*([^\s),]+)\)/.exec(clause)?.[1];
    if (stated === undefined || !unitName.safeParse(stated).success) continue;
    const mentioned = values.filter((value) => named(clause, value));
    const prefixes = new Set(mentioned.map((value) => value.split('_')[0]));
    for (const value of values) if (!units.has(value) && (mentioned.includes(value) || prefixes.has(value.split('_')[0]))) units.set(value, stated);
  }
  for (const value of values) {
    if (units.has(value)) continue;
    const inside = new RegExp(`(?:^|[\\s,])${value} \\(([^)]*)\\)`).exec(description)?.[1];
    if (inside === undefined || /no unit/.test(inside)) continue;
    const unit = /^(?:unit\s+)?([^\s,:]+)/.exec(inside)?.[1];
    if (unit !== undefined && unitName.safeParse(unit).success && unit.length <= 8) units.set(value, unit);
  }
  return units;
}
