import type { BytesDriverDefinition, BytesDriverInstance, DeviceBinding, DriverContext } from '../driver.js';
import { gpsTimeFromRmc, parseSentence, splitSentences, type GgaSentence, type RmcSentence } from './decode.js';
import { nmeaGpsDeviceShape, nmeaGpsSensorShape, type NmeaGpsDeviceOptions, type NmeaGpsField, type NmeaGpsSensorOptions } from './schema.js';

/** The `nmea-gps` driver: position, speed, course and UTC time from a GPS receiver. See README.md beside this file. */
export const nmeaGpsDriver: BytesDriverDefinition<typeof nmeaGpsDeviceShape, typeof nmeaGpsSensorShape> = {
  type: 'nmea-gps',
  summary: 'position, altitude, speed, course and UTC time from an NMEA 0183 GPS receiver (GGA and RMC sentences, 9600 baud)',
  link: 'bytes',
  // u-blox modules and most current breakouts; the NMEA 0183 standard rate of older receivers is 4800.
  defaultBaud: 9600,
  deviceShape: nmeaGpsDeviceShape,
  sensorShape: nmeaGpsSensorShape,
  create: (device, context) => createNmeaGpsInstance(device, context),
};

/** Whether the sentence carries a position: GGA fix quality above 0, RMC status A. */
export function hasFix(sentence: GgaSentence | RmcSentence): boolean {
  return sentence.type === 'GGA' ? sentence.quality > 0 : sentence.valid;
}

/**
 * The values one sentence offers, by field. GGA gives fix quality and satellites always,
 * position, altitude and HDOP with a fix; RMC gives position, speed, course and time with a
 * fix. `withPosition` is false when this fix epoch's position was already sent by the other
 * sentence, so a receiver printing both reports each position once.
 */
export function fieldValues(sentence: GgaSentence | RmcSentence, withPosition: boolean): Partial<Record<NmeaGpsField, number>> {
  const values: Partial<Record<NmeaGpsField, number>> = {};
  if (sentence.type === 'GGA') {
    values.fix = sentence.quality;
    values.satellites = sentence.satellites;
  }
  if (!hasFix(sentence)) return values;
  if (withPosition) {
    values.latitude = sentence.latitude;
    values.longitude = sentence.longitude;
  }
  if (sentence.type === 'GGA') {
    values.altitude = sentence.altitude;
    values.hdop = sentence.hdop;
  } else {
    values.speed = sentence.speed;
    values.course = sentence.course;
    const epochMs = gpsTimeFromRmc(sentence);
    values.time = epochMs === undefined ? undefined : epochMs / 1000;
  }
  return values;
}

function createNmeaGpsInstance(device: DeviceBinding<NmeaGpsDeviceOptions, NmeaGpsSensorOptions>, context: DriverContext): BytesDriverInstance {
  const { sensors } = device;
  // The UTC time of the last fix whose position was emitted: GGA and RMC of one epoch share it.
  let positionSentAt: string | undefined;

  const handle = (candidate: string, time: number) => {
    const outcome = parseSentence(candidate);
    switch (outcome.kind) {
      case 'ignored':
        return;
      case 'bad-checksum':
        context.problems.count('bad-checksum', `${outcome.reason}: ${candidate}`);
        return;
      case 'malformed':
        context.problems.count('malformed-sentence', `${outcome.reason}: ${candidate}`);
        return;
      case 'fix':
        break;
    }
    const sentence = outcome.sentence;
    const fixed = hasFix(sentence);
    if (fixed && sentence.type === 'RMC') {
      // A GPS with a fix knows UTC: the node's clock takes it when it was never set or drifted.
      const utcMs = gpsTimeFromRmc(sentence);
      if (utcMs !== undefined) context.offerTime(utcMs, 'gps');
    }
    if (!fixed) context.problems.count('no-fix', `${sentence.talker}${sentence.type} without a fix`);
    const withPosition = fixed && sentence.utcTime !== positionSentAt;
    if (withPosition) positionSentAt = sentence.utcTime;
    const values = fieldValues(sentence, withPosition);
    for (const sensor of sensors) {
      const value = values[sensor.options.field];
      if (value !== undefined) context.emit({ name: sensor.name, unit: sensor.unit, value, time });
    }
  };

  return {
    // A sentence is 82 characters at most (NMEA 0183); a line holds several only when line ends were lost.
    framing: { kind: 'lines', delimiter: '\n', maxLineBytes: 1024 },
    onLine(line) {
      const time = context.clock.now();
      const { stray, candidates } = splitSentences(line);
      // A blank line or a lone CR is nothing; other text before a `$` is line noise.
      if (stray.trim() !== '') context.problems.count('garbage-bytes', `${stray.length} bytes outside any sentence`);
      for (const candidate of candidates) handle(candidate, time);
    },
    onOpen() {
      positionSentAt = undefined;
    },
  };
}
