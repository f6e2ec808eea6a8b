import { z } from 'zod';

/** The quantities an NMEA GPS reports, each read from GGA or RMC (see README.md). */
export const nmeaGpsFields = ['latitude', 'longitude', 'altitude', 'fix', 'satellites', 'hdop', 'speed', 'course', 'time'] as const;
/** One of `nmeaGpsFields`: what a sensor picks out of the sentences. */
export type NmeaGpsField = (typeof nmeaGpsFields)[number];

/** Options of one GPS sensor (`sensors[].driver` with `type: nmea-gps`). */
export const nmeaGpsOptionsShape = {
  field: z
    .enum(nmeaGpsFields)
    .describe(
      'latitude (unit lat, degrees north), longitude (lon, degrees east), altitude (m above mean sea level), fix (GGA fix quality, no unit), ' +
        'satellites (count), hdop (no unit), speed (m/s over ground), course (deg, true), time (s: GPS UTC as epoch seconds, a clock source)',
    ),
};

/** A GPS sensor's options after validation. */
export type NmeaGpsOptions = z.infer<z.ZodObject<typeof nmeaGpsOptionsShape>>;
