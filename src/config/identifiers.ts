import { z } from 'zod';

/**
 * Ids and names end up in MQTT topic levels and SenML names, so they are limited to
 * characters both accept (RFC 8428 §4.5.1; no `/`, `+` or `#` inside a topic level).
 */
export const identifier = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'use 1-64 letters, digits, "-", "_" or "." starting with a letter or digit');

/** A SenML unit name from the registry (`Cel`, `%RH`, `Pa`) or a documented extension (`ug/m3`). */
export const unitName = z.string().regex(/^[^\s]{1,32}$/, 'a unit is 1-32 characters without spaces, e.g. Cel, %RH, Pa');
