import { z } from 'zod';

/** The quantities an NMEA GPS reports, each read from GGA or RMC (see README.md). */
export const nmeaGpsFields = ['latitude', 'longitude', 'altitude', 'fix', 'satellites', 'hdop', 'speed', 'course', 'time'] as const;
/** One of `nmeaGpsFields`: what a sensor picks out of the sentences. */
export type NmeaGpsField = (typeof nmeaGpsFields)[number];

/** Options of the receiver (`boards[].device` with `type: nmea-gps`): none, it talks on its own. */
export const nmeaGpsDeviceShape = {} satisfies z.ZodRawShape;

/** Options of one GPS sensor (`boards[].sensors[]`): which quantity of the sentences it reports. */
export const nmeaGpsSensorShape = {
  field: z
    .enum(nmeaGpsFields)
    .describe(
      'latitude (unit lat, degrees north), longitude (lon, degrees east), altitude (m above mean sea level), fix (GGA fix quality, no unit), ' +
        'satellites (count), hdop (no unit), speed (m/s over ground), course (deg, true), time (s: GPS UTC as epoch seconds, a clock source)',
    ),
};

/** The receiver's options after validation. */
export type NmeaGpsDeviceOptions = z.infer<z.ZodObject<typeof nmeaGpsDeviceShape>>;
/** A GPS sensor's options after validation. */
export type NmeaGpsSensorOptions = z.infer<z.ZodObject<typeof nmeaGpsSensorShape>>;
