/**
 * MaxBotix HRXL-MaxSonar-WR ultrasonic rangefinders (MB7360–MB7389), serial output of the
 * data sheet PD11500 ("Pin 5 – Serial Output", 9600 8N1, TTL or RS-232 levels by model):
 *
 *   R d d d d CR      e.g. `R1234\r` = 1234 mm
 *
 * An ASCII capital R, four ASCII digits giving the range in millimetres, and a carriage
 * return (0x0D), no line feed. 5-metre models report 300–4999 mm and send 5000 when no
 * target is detected (10-metre models: 500–9998, and 9999); targets closer than 300 mm read
 * as 300. In free run the sensor sends a reading per range cycle, 6–7.5 Hz by model (§"Sensor
 * Free-Run Timing"). There is no checksum: a corrupted digit that stays a digit is undetectable.
 */

/** The range limits of a sensor model: it reports [minRangeMm, maxRangeMm) and sends maxRangeMm for "no target". */
export interface RangeLimits {
  readonly minRangeMm: number;
  readonly maxRangeMm: number;
}

/** The HRXL-MaxSonar-WR 5-metre models (the common water-level variants). */
export const fiveMetreLimits: RangeLimits = { minRangeMm: 300, maxRangeMm: 5000 };

/** What one line held: the range of its record, if sound, and the text that was not a sound record. */
export interface DecodedLine {
  readonly rangeMm?: number | undefined;
  readonly malformed: readonly { readonly text: string; readonly reason: string }[];
}

const RECORD = /^R(\d{4})$/;

/**
 * Decodes one line (its CR already cut off by the line framer). A record starts at its `R`:
 * when a reading was cut short or corrupted into a non-CR byte, it runs into the next one
 * (`R12R1235`), so the record is taken from the last `R` and anything before it is a
 * malformed fragment. Whitespace alone (a stray LF from an adapter) is ignored.
 */
export function decodeMaxbotixLine(line: string): DecodedLine {
  const start = line.lastIndexOf('R');
  const before = start < 0 ? line : line.slice(0, start);
  const malformed: { text: string; reason: string }[] = [];
  if (before.trim() !== '') malformed.push({ text: before, reason: start < 0 ? 'no R record' : 'cut-off reading before a record' });
  if (start < 0) return { malformed };
  const record = line.slice(start);
  const match = RECORD.exec(record);
  if (!match) {
    malformed.push({ text: record, reason: 'not R and four digits' });
    return { malformed };
  }
  return { rangeMm: Number(match[1]), malformed };
}

/** Whether a range is a distance: the sensor's no-target value and anything outside its limits are not. */
export function classifyRange(rangeMm: number, limits: RangeLimits): 'ok' | 'no-target' | 'out-of-range' {
  if (rangeMm === limits.maxRangeMm) return 'no-target';
  return rangeMm >= limits.minRangeMm && rangeMm < limits.maxRangeMm ? 'ok' : 'out-of-range';
}

/** Water level above the datum in metres, from the distance down to the water and the sensor's height above the datum. */
export function levelFromRange(rangeMm: number, mountHeightMm: number): number {
  // Divide integers rather than multiply by 0.001, so 2766 mm reads as exactly 2.766 m.
  return (mountHeightMm - rangeMm) / 1000;
}

/** The line the sensor sends for a range (the twin's side, and tests'). */
export function encodeMaxbotix(rangeMm: number): Buffer {
  if (!Number.isInteger(rangeMm) || rangeMm < 0 || rangeMm > 9999) throw new RangeError(`a MaxSonar prints 0000–9999 mm, not ${rangeMm}`);
  return Buffer.from(`R${String(rangeMm).padStart(4, '0')}\r`, 'latin1');
}
