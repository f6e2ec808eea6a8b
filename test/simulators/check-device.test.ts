import { describe, expect, it } from 'vitest';
import type { DescribedDevice } from '../../src/catalog/twin.js';
import { simulatorRegistry } from '../../simulators/registry.js';

function described(type: string, options: Record<string, unknown>, sensors: Record<string, unknown>[]): DescribedDevice {
  return { path: 'boards[2]', type, options, sensors: sensors.map((sensor, index) => ({ path: `boards[2].sensors[${index}]`, options: sensor })) };
}

describe('twins in the registry', () => {
  it('say which drivers read them: pin drivers for the Firmata board, one device type for the others', () => {
    expect(simulatorRegistry['firmata-board'].readBy).toBe('pins');
    expect(simulatorRegistry['weather-station'].readBy).toEqual(['lines']);
    for (const name of ['sds011', 'pms5003', 'mhz19', 'modbus-rtu', 'nmea-gps', 'maxbotix'] as const) expect(simulatorRegistry[name].readBy).toEqual([name]);
  });
});

describe('weather-station twin against the lines device', () => {
  const check = (twin: Record<string, unknown>, device: DescribedDevice) => simulatorRegistry['weather-station'].checkDevice!(twin, device);

  it('accepts a device reading what the sketch prints', () => {
    expect(check({ format: 'csv' }, described('lines', { format: 'csv' }, [{ name: 'temperature', column: 0 }, { name: 'rain', column: 3 }]))).toEqual([]);
    expect(check({}, described('lines', {}, [{ name: 'humidity', key: 'h' }]))).toEqual([]);
  });

  it('reports another line format at the device format', () => {
    expect(check({ format: 'csv' }, described('lines', { format: 'kv' }, [{ key: 't' }]))).toEqual([{ path: 'boards[2].device.format', message: 'the simulated weather station prints csv lines, not kv' }]);
    expect(check({ format: 'json' }, described('lines', {}, []))).toEqual([{ path: 'boards[2].device.format', message: 'the simulated weather station prints json lines, not kv' }]);
  });

  it('reports columns, keys and delimiters the sketch does not print, at their own paths', () => {
    const csv = check({ format: 'csv' }, described('lines', { format: 'csv', delimiter: ';' }, [{ column: 0 }, { column: 4 }]));
    expect(csv.map((problem) => problem.path)).toEqual(['boards[2].device.delimiter', 'boards[2].sensors[1].column']);
    expect(csv[1]!.message).toContain('columns 0–3');
    const kv = check({ format: 'kv' }, described('lines', { format: 'kv' }, [{ key: 't' }, { key: 'wind' }]));
    expect(kv).toEqual([{ path: 'boards[2].sensors[1].key', message: 'the simulated weather station prints the keys t, h, p, r, not "wind"' }]);
  });

  it('leaves invalid entries to the schema', () => {
    expect(check({ format: 'csv' }, described('lines', { format: 'csv' }, [{ column: 'zero' }, { column: -1 }]))).toEqual([]);
  });
});

describe('maxbotix twin against the maxbotix device', () => {
  const check = (twin: Record<string, unknown>, device: DescribedDevice) => simulatorRegistry.maxbotix.checkDevice!(twin, device);

  it('reports a level read with another mount height than the twin hangs at', () => {
    expect(check({ mountHeightMm: 3500 }, described('maxbotix', { mountHeightMm: 4000 }, [{ field: 'level' }, { field: 'level' }]))).toEqual([
      { path: 'boards[2].device.mountHeightMm', message: 'the simulated sensor is mounted 3500 mm above the datum; 4000 would offset every level' },
    ]);
    expect(check({}, described('maxbotix', {}, [{ field: 'level', mountHeightMm: 3000 }]))).toEqual([
      { path: 'boards[2].sensors[0].mountHeightMm', message: 'the simulated sensor is mounted 4000 mm above the datum; 3000 would offset every level' },
    ]);
  });

  it('does not mind the height when only distances are read, or when it matches', () => {
    expect(check({ mountHeightMm: 3500 }, described('maxbotix', { mountHeightMm: 4000 }, [{ field: 'distance' }]))).toEqual([]);
    expect(check({}, described('maxbotix', { mountHeightMm: 4000 }, [{ field: 'level' }]))).toEqual([]);
  });
});
