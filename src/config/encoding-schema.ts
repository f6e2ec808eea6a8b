/**
 * The `encoding:` section of the config: how packs are written on the wire. It lives with the
 * config; the codec (src/codec) reads the value it yields.
 */
import { z } from 'zod';

/** The `encoding:` section; absent means exact numbers. */
export const encodingSchema = z
  .strictObject({
    floats: z
      .enum(['exact', 'compact'])
      .default('exact')
      .describe(
        'exact: every fraction as a float64, so any CBOR decoder reads the sensor value exactly (RFC 8428 §6); compact: a 4-byte float where the decimal survives (5 bytes a value instead of 9), but only fieldnode\'s decoder (told floats: compact) reads 6.37 back as 6.37; the node birth says which',
      ),
    secondaryUnits: z
      .enum(['announce', 'convert'])
      .default('announce')
      .describe(
        'announce: secondary units (mm, ug/m3, ppm, hPa...) go out as configured, in packs whose bver (26) says so (RFC 9100); convert: each is sent in its SenML unit (mm as m, ug/m3 as kg/m3), exactly, for receivers that know no secondary units',
      ),
  })
  .describe('how packs are written on the wire');

export const encodingDefaults = { floats: 'exact', secondaryUnits: 'announce' } as const;

/** A validated `encoding:` section, defaults filled in. */
export type EncodingConfig = z.infer<typeof encodingSchema>;
