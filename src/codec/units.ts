/**
 * The unit names SenML allows (IANA "Sensor Measurement Lists (SenML)" registry), in one place.
 *
 * - "SenML Units" (RFC 8428 §12.1, extended by RFC 8798 §2): always allowed in `u`/`bu`.
 * - "Secondary Units" (RFC 8798 §4): each a linear transformation of a SenML unit
 *   (value × scale + offset). Allowed only in a pack that announces the Secondary Units
 *   feature in `bver` (RFC 9100 §4).
 *
 * Transcribed from RFC 8428 §12.1 and RFC 8798 §2 and §4 (checked against the drafts of RFC 8798
 * in the CoRE working group's repository); units the IANA registry gained later by expert review
 * are not listed, so a config naming one is refused until it is added here.
 * Names are case-sensitive: `Cel`, never `cel`.
 */

/** RFC 8428 §12.1 and RFC 8798 §2. Entries marked * in the registry (NOT RECOMMENDED for new producers) are kept: consumers must accept them. */
export const SENML_UNITS: readonly string[] = [
  // RFC 8428 §12.1
  'm', 'kg', 'g', 's', 'A', 'K', 'cd', 'mol', 'Hz', 'rad', 'sr', 'N', 'Pa', 'J', 'W', 'C', 'V', 'F', 'Ohm', 'S', 'Wb', 'T', 'H',
  'Cel', 'lm', 'lx', 'Bq', 'Gy', 'Sv', 'kat', 'm2', 'm3', 'l', 'm/s', 'm/s2', 'm3/s', 'l/s', 'W/m2', 'cd/m2', 'bit', 'bit/s',
  'lat', 'lon', 'pH', 'dB', 'dBW', 'Bspl', 'count', '/', '%', '%RH', '%EL', 'EL', '1/s', '1/min', 'beat/min', 'beats', 'S/m',
  // RFC 8798 §2
  'B', 'VA', 'VAs', 'var', 'vars', 'J/m', 'kg/m3', 'deg',
];

/** A secondary unit: a value in it, times `scale`, plus `offset`, is the value in `primary` (RFC 8798 §4). */
export interface SecondaryUnit {
  readonly primary: string;
  /** Exact rational `numerator / denominator`, so conversion can stay decimal-safe. */
  readonly scale: { readonly numerator: number; readonly denominator: number };
  readonly offset: number;
}

const ratio = (numerator: number, denominator = 1) => ({ numerator, denominator });

/** RFC 8798 §4, table 2 (the initial "Secondary Units" registry). */
export const SECONDARY_UNITS: ReadonlyMap<string, SecondaryUnit> = new Map<string, SecondaryUnit>([
  ['ms', { primary: 's', scale: ratio(1, 1000), offset: 0 }],
  ['min', { primary: 's', scale: ratio(60), offset: 0 }],
  ['h', { primary: 's', scale: ratio(3600), offset: 0 }],
  ['MHz', { primary: 'Hz', scale: ratio(1_000_000), offset: 0 }],
  ['kW', { primary: 'W', scale: ratio(1000), offset: 0 }],
  ['kVA', { primary: 'VA', scale: ratio(1000), offset: 0 }],
  ['kvar', { primary: 'var', scale: ratio(1000), offset: 0 }],
  ['Ah', { primary: 'C', scale: ratio(3600), offset: 0 }],
  ['Wh', { primary: 'J', scale: ratio(3600), offset: 0 }],
  ['kWh', { primary: 'J', scale: ratio(3_600_000), offset: 0 }],
  ['varh', { primary: 'vars', scale: ratio(3600), offset: 0 }],
  ['kvarh', { primary: 'vars', scale: ratio(3_600_000), offset: 0 }],
  ['kVAh', { primary: 'VAs', scale: ratio(3_600_000), offset: 0 }],
  ['Wh/km', { primary: 'J/m', scale: ratio(36, 10), offset: 0 }],
  ['KiB', { primary: 'B', scale: ratio(1024), offset: 0 }],
  ['GB', { primary: 'B', scale: ratio(1e9), offset: 0 }],
  ['Mbit/s', { primary: 'bit/s', scale: ratio(1_000_000), offset: 0 }],
  ['B/s', { primary: 'bit/s', scale: ratio(8), offset: 0 }],
  ['MB/s', { primary: 'bit/s', scale: ratio(8_000_000), offset: 0 }],
  ['mV', { primary: 'V', scale: ratio(1, 1000), offset: 0 }],
  ['mA', { primary: 'A', scale: ratio(1, 1000), offset: 0 }],
  ['dBm', { primary: 'dBW', scale: ratio(1), offset: -30 }],
  ['ug/m3', { primary: 'kg/m3', scale: ratio(1, 1e9), offset: 0 }],
  ['mm/h', { primary: 'm/s', scale: ratio(1, 3_600_000), offset: 0 }],
  ['m/h', { primary: 'm/s', scale: ratio(1, 3600), offset: 0 }],
  ['ppm', { primary: '/', scale: ratio(1, 1_000_000), offset: 0 }],
  ['/100', { primary: '/', scale: ratio(1, 100), offset: 0 }],
  ['/1000', { primary: '/', scale: ratio(1, 1000), offset: 0 }],
  ['hPa', { primary: 'Pa', scale: ratio(100), offset: 0 }],
  ['mm', { primary: 'm', scale: ratio(1, 1000), offset: 0 }],
  ['cm', { primary: 'm', scale: ratio(1, 100), offset: 0 }],
  ['km', { primary: 'm', scale: ratio(1000), offset: 0 }],
  ['km/h', { primary: 'm/s', scale: ratio(10, 36), offset: 0 }],
]);

const primary = new Set(SENML_UNITS);

/** Every name a config may give as a unit: SenML Units and Secondary Units. */
export const REGISTERED_UNITS: readonly string[] = [...SENML_UNITS, ...SECONDARY_UNITS.keys()];

export const isSenmlUnit = (unit: string): boolean => primary.has(unit);
export const isSecondaryUnit = (unit: string): boolean => SECONDARY_UNITS.has(unit);
export const isRegisteredUnit = (unit: string): boolean => primary.has(unit) || SECONDARY_UNITS.has(unit);

/**
 * Units sensors' manuals use that the registry spells otherwise or lacks, with what to send
 * instead: named in the config error, where the edit distance alone finds nothing near.
 */
export const UNIT_HINTS: ReadonlyMap<string, string> = new Map([
  ['uS/cm', 'conductivity is S/m in SenML: 1 uS/cm = 0.0001 S/m (scale × 0.0001)'],
  ['mS/cm', 'conductivity is S/m in SenML: 1 mS/cm = 0.1 S/m (scale × 0.1)'],
  ['bar', 'pressure is Pa in SenML (1 bar = 100000 Pa), or the secondary unit hPa'],
  ['mbar', 'pressure is Pa in SenML; 1 mbar = 1 hPa, a secondary unit'],
  ['°C', 'temperature is Cel in SenML'],
  ['degC', 'temperature is Cel in SenML'],
  ['lux', 'illuminance is lx in SenML'],
  ['mg/m3', 'mass concentration is kg/m3 in SenML (1 mg/m3 = 0.000001 kg/m3), or ug/m3 (× 1000)'],
]);

/**
 * SenML version numbers (RFC 9100 §2): `bver` is a bitmap of feature codes. Codes 0-3 are
 * reserved so that the RFC 8428 version 10 (0b1010: Reserved1 and Reserved3 set) stays the base;
 * feature code 4 is "Secondary Units" (RFC 9100 §4, IANA "SenML Features"), hence 26 = 10 + 2^4.
 */
export const SENML_BASE_VERSION = 10;
export const SECONDARY_UNITS_FEATURE = 4;
export const SECONDARY_UNITS_VERSION = SENML_BASE_VERSION + 2 ** SECONDARY_UNITS_FEATURE;
/** Feature bits this implementation understands: the base version's reserved bits and Secondary Units. */
export const UNDERSTOOD_VERSION_BITS = SENML_BASE_VERSION | (1 << SECONDARY_UNITS_FEATURE);

/**
 * A value in a secondary unit as the same quantity in its SenML unit (RFC 8798 §4: times the
 * scale, plus the offset), computed on the value's decimal digits so that nothing but the
 * final rounding to a double happens: 1250 mm is 1.25 m, 21.53 ug/m3 is 2.153e-8 kg/m3, never
 * 2.1530000000000002e-8. A scale whose divisor is not a product of 2s and 5s (km/h, h, rpm)
 * has no finite decimal result; that one is rounded once, from 17 significant digits.
 */
export function toPrimaryUnit(value: number, unit: string): { value: number; unit: string } {
  const secondary = SECONDARY_UNITS.get(unit);
  if (!secondary || !Number.isFinite(value)) return { value, unit };
  const { digits, exponent } = decimalOf(value);
  const scaled = decimalOf(secondary.scale.numerator);
  // value × numerator as an exact decimal: digits × 10^exponent.
  let product = digits * scaled.digits;
  let productExponent = exponent + scaled.exponent;
  const denominator = BigInt(secondary.scale.denominator);
  // Enough extra digits to divide exactly by 2s and 5s, and past a double's precision otherwise.
  const extra = 20;
  product *= 10n ** BigInt(extra);
  productExponent -= extra;
  let quotient = product / denominator;
  const offset = decimalOf(secondary.offset);
  const shift = productExponent - offset.exponent;
  // Offset added at the finer of the two exponents.
  if (shift >= 0) {
    quotient = quotient * 10n ** BigInt(shift) + offset.digits;
    productExponent = offset.exponent;
  } else {
    quotient += offset.digits * 10n ** BigInt(-shift);
  }
  return { value: Number(`${quotient}e${productExponent}`), unit: secondary.primary };
}

/** A finite double's shortest decimal as integer digits × 10^exponent. */
function decimalOf(value: number): { digits: bigint; exponent: number } {
  const [mantissa = '0', power = '0'] = String(value).split('e');
  const point = mantissa.indexOf('.');
  const decimals = point < 0 ? 0 : mantissa.length - point - 1;
  return { digits: BigInt(mantissa.replace('.', '')), exponent: Number(power) - decimals };
}
