/**
 * From SenML units (RFC 8428 §12.1 and its IANA registry, with the secondary units of RFC 8798)
 * to what Home Assistant shows and accepts, and the sensor device class a unit and a sensor's
 * name point to. Home Assistant refuses a device class with a unit outside the class's list
 * (its sensor documentation, "Device class"), so a class is only given where the pair is listed.
 */

/** SenML unit → Home Assistant unit, where they are spelt differently or HA has its own symbol. */
const SENML_TO_HOME_ASSISTANT: Readonly<Record<string, string>> = {
  Cel: '°C',
  K: 'K',
  '%RH': '%',
  '%': '%',
  '/': '%',
  'ug/m3': 'µg/m³',
  'kg/m3': 'kg/m³',
  ppm: 'ppm',
  ppb: 'ppb',
  Pa: 'Pa',
  hPa: 'hPa',
  kPa: 'kPa',
  bar: 'bar',
  mbar: 'mbar',
  m: 'm',
  cm: 'cm',
  mm: 'mm',
  km: 'km',
  'mm/h': 'mm/h',
  'mm/s': 'mm/s',
  'm/s': 'm/s',
  'km/h': 'km/h',
  dB: 'dB',
  dBA: 'dBA',
  dBW: 'dBW',
  dBm: 'dBm',
  V: 'V',
  mV: 'mV',
  A: 'A',
  mA: 'mA',
  W: 'W',
  kW: 'kW',
  Wh: 'Wh',
  kWh: 'kWh',
  J: 'J',
  Hz: 'Hz',
  lx: 'lx',
  'W/m2': 'W/m²',
  s: 's',
  ms: 'ms',
  min: 'min',
  h: 'h',
  d: 'd',
  deg: '°',
  m3: 'm³',
  l: 'L',
  L: 'L',
  'm3/s': 'm³/s',
  'l/s': 'L/s',
  g: 'g',
  kg: 'kg',
  'S/m': 'S/m',
};

/** SenML units that count things or are ratios of one: Home Assistant shows a plain number. */
const UNITLESS = new Set(['count', '1', 'EFL', 'beat/min', 'beats']);

/**
 * The device classes fieldnode may give, each with the units Home Assistant lists for it
 * (sensor documentation, "Device class"). Only classes that take the `measurement` state class:
 * energy, for one, is a total.
 */
export const DEVICE_CLASS_UNITS: Readonly<Record<string, readonly string[]>> = {
  temperature: ['°C', '°F', 'K'],
  humidity: ['%'],
  moisture: ['%'],
  battery: ['%'],
  pressure: ['Pa', 'hPa', 'kPa', 'bar', 'cbar', 'mbar', 'mmHg', 'inHg', 'psi'],
  atmospheric_pressure: ['Pa', 'hPa', 'kPa', 'bar', 'cbar', 'mbar', 'mmHg', 'inHg', 'psi'],
  pm1: ['µg/m³'],
  pm25: ['µg/m³'],
  pm10: ['µg/m³'],
  carbon_dioxide: ['ppm'],
  carbon_monoxide: ['ppm'],
  distance: ['km', 'm', 'cm', 'mm', 'mi', 'yd', 'ft', 'in'],
  precipitation: ['cm', 'in', 'mm'],
  precipitation_intensity: ['in/d', 'in/h', 'mm/d', 'mm/h'],
  sound_pressure: ['dB', 'dBA'],
  signal_strength: ['dB', 'dBm'],
  voltage: ['V', 'mV', 'µV', 'kV', 'MV'],
  current: ['A', 'mA'],
  power: ['mW', 'W', 'kW', 'MW', 'GW', 'TW'],
  frequency: ['Hz', 'kHz', 'MHz', 'GHz'],
  illuminance: ['lx'],
  irradiance: ['W/m²'],
  duration: ['d', 'h', 'min', 's', 'ms'],
  wind_speed: ['m/s', 'km/h', 'ft/s', 'mph', 'kn', 'Beaufort'],
  speed: ['mm/d', 'mm/h', 'mm/s', 'm/s', 'km/h', 'in/d', 'in/h', 'in/s', 'ft/s', 'mph', 'kn', 'Beaufort'],
  wind_direction: ['°'],
};

/** The unit Home Assistant shows for a SenML unit: its own symbol, none for counts, else the SenML name as is. */
export function homeAssistantUnit(senml: string | undefined): string | undefined {
  if (senml === undefined || UNITLESS.has(senml)) return undefined;
  return SENML_TO_HOME_ASSISTANT[senml] ?? senml;
}

/**
 * Names say what a unit alone cannot (µg/m³ of which particles, ppm of which gas, metres of
 * rain or of distance). Each rule: the class, and what the sensor's name (or its driver field)
 * must contain; the first rule whose class lists the unit wins.
 */
const NAMED_CLASSES: readonly { readonly deviceClass: string; readonly hint?: RegExp }[] = [
  { deviceClass: 'pm25', hint: /pm_?2[._]?5/ },
  { deviceClass: 'pm10', hint: /pm_?10/ },
  { deviceClass: 'pm1', hint: /pm_?1(?:[._]?0)?(?![0-9])/ },
  { deviceClass: 'carbon_dioxide', hint: /co2|carbon_?dioxide/ },
  { deviceClass: 'carbon_monoxide', hint: /(?:^|[^a-z])co(?:[^a-z2]|$)|carbon_?monoxide/ },
  { deviceClass: 'battery', hint: /batt/ },
  { deviceClass: 'moisture', hint: /moist|soil/ },
  { deviceClass: 'signal_strength', hint: /rssi|signal|snr/ },
  { deviceClass: 'precipitation', hint: /rain|precip/ },
  { deviceClass: 'wind_speed', hint: /wind/ },
  { deviceClass: 'wind_direction', hint: /wind|dir/ },
  { deviceClass: 'atmospheric_pressure', hint: /baro|atmo|air_?press/ },
  { deviceClass: 'temperature' },
  { deviceClass: 'humidity', hint: /hum|rh/ },
  { deviceClass: 'pressure' },
  { deviceClass: 'precipitation_intensity' },
  { deviceClass: 'distance' },
  { deviceClass: 'sound_pressure' },
  { deviceClass: 'voltage' },
  { deviceClass: 'current' },
  { deviceClass: 'power' },
  { deviceClass: 'frequency' },
  { deviceClass: 'illuminance' },
  { deviceClass: 'irradiance' },
  { deviceClass: 'speed' },
];

/** `%RH` is humidity whatever the sensor is called. */
const CLASS_OF_SENML_UNIT: Readonly<Record<string, string>> = { '%RH': 'humidity' };

/**
 * The device class of a numeric sensor, or undefined when unit and name do not say (Home
 * Assistant then shows a plain number with its unit). `hint` is the sensor's name and the
 * driver field it reads, lower-cased.
 */
export function deviceClassFor(senmlUnit: string | undefined, hint: string): string | undefined {
  if (senmlUnit !== undefined && CLASS_OF_SENML_UNIT[senmlUnit]) return CLASS_OF_SENML_UNIT[senmlUnit];
  const unit = homeAssistantUnit(senmlUnit);
  if (unit === undefined) return undefined;
  const text = hint.toLowerCase();
  for (const rule of NAMED_CLASSES) {
    if (!DEVICE_CLASS_UNITS[rule.deviceClass]?.includes(unit)) continue;
    if (rule.hint === undefined || rule.hint.test(text)) return rule.deviceClass;
  }
  return undefined;
}
