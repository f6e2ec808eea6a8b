import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock.js';
import { decodeLine } from '../../src/drivers/lines/decode.js';
import { formatWeatherLine, WeatherStation, weatherStationFields, type EmittedSample } from '../../simulators/devices/weather-station.js';
import { WeatherModel } from '../../simulators/models/weather.js';

const HOUR = 3_600_000;
const DAY0 = Date.UTC(2026, 6, 1);

describe('weather model', () => {
  it('replays the same weather from the same seed, and other weather from another', () => {
    const series = (seed: number) => {
      const model = new WeatherModel({ seed });
      return Array.from({ length: 50 }, (_, index) => model.sample(DAY0 + index * 60_000));
    };
    expect(series(7)).toEqual(series(7));
    expect(series(7)).not.toEqual(series(8));
  });

  it('is coldest near dawn and warmest in the afternoon', () => {
    const model = new WeatherModel({ seed: 1, meanTemperature: 12, diurnalAmplitude: 6 });
    const byHour = Array.from({ length: 24 * 12 }, (_, index) => model.sample(DAY0 + index * 5 * 60_000));
    const at = (hour: number) => byHour[hour * 12]!.temperature;
    expect(at(15)).toBeGreaterThan(at(6) + 10);
    expect(at(6)).toBeCloseTo(6, 0);
    expect(at(15)).toBeCloseTo(18, 0);
  });

  it('keeps values physical and rain in whole bucket tips that never decrease', () => {
    const model = new WeatherModel({ seed: 3 });
    let lastRain = 0;
    for (let index = 0; index < 24 * 60 * 7; index++) {
      const sample = model.sample(DAY0 + index * 60_000);
      expect(sample.humidity).toBeGreaterThanOrEqual(5);
      expect(sample.humidity).toBeLessThanOrEqual(100);
      expect(Math.abs(sample.pressure - 101_325)).toBeLessThan(2_000);
      expect(sample.rain).toBeGreaterThanOrEqual(lastRain);
      expect(Math.round(sample.rain * 10) % 2).toBe(0);
      lastRain = sample.rain;
    }
    expect(lastRain).toBeGreaterThan(0); // a week without a shower would be a broken model
  });
});

describe('weather-station twin', () => {
  it('prints a # banner at reset, then one CRLF line per interval on its clock', () => {
    const clock = new VirtualClock(DAY0 + 9 * HOUR);
    const written: string[] = [];
    const station = new WeatherStation({ seed: 1, intervalMs: 1000, format: 'kv' }, { write: (data) => written.push(data.toString()) > 0 }, clock);
    station.start();
    expect(written).toEqual([expect.stringMatching(/^# firmware weather-station \S+-twin arduino-uno\r\n# fieldnode weather-station sketch.*\r\n$/)]);
    clock.advance(3500);
    expect(written).toHaveLength(4);
    expect(written[1]).toMatch(/^t=-?\d+(\.\d+)?,h=\d+(\.\d)?,p=\d+,r=\d+(\.\d)?\r\n$/);
    station.stop();
    clock.advance(5000);
    expect(written).toHaveLength(4);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('prints what the lines driver reads back to the model values, in every format', () => {
    const sample = { temperature: -3.07, humidity: 91.5, pressure: 100980, rain: 12.4 };
    for (const format of ['kv', 'csv', 'json'] as const) {
      const fields = weatherStationFields.map((field, column) => ({ name: field.name, key: field.key, column, as: 'number' as const, scale: 1, offset: 0 }));
      const outcome = decodeLine(formatWeatherLine(sample, format), { format, delimiter: ',' }, fields);
      expect(outcome.ok && Object.fromEntries(outcome.line.values.map((value) => [value.name, value.value]))).toEqual(sample);
    }
  });

  it('reports every line it emits to listeners', () => {
    const clock = new VirtualClock(DAY0);
    const station = new WeatherStation({ seed: 1, intervalMs: 100, format: 'csv' }, { write: () => true }, clock);
    const emitted: EmittedSample[] = [];
    station.onSample((sample) => emitted.push(sample));
    station.start();
    clock.advance(1000);
    expect(emitted.map((entry) => entry.time)).toEqual(Array.from({ length: 10 }, (_, index) => DAY0 + (index + 1) * 100));
  });
});
