/**
 * Two river probes on a simulated RS-485 bus answer the modbus-rtu driver through the whole
 * runtime to a real broker: every sound answer arrives as the probes' values at the resolution
 * of their registers, and every exception, corrupt, cut or missing answer is counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModbusExchange, ModbusRtuDevice, ProbeValues } from '../../simulators/devices/modbus-rtu.js';
import type { FrameFault } from '../../simulators/faults.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import type { TwinSensor } from './driver-twins.js';
import { runPolledTwin } from './request-twins.js';

let broker: EmbeddedBroker;
beforeAll(async () => {
  broker = await startEmbeddedBroker();
});
afterAll(() => broker.close());

/** The probe's register map as a config names it (the twin's manual, in simulators/devices/modbus-rtu.ts). */
const probeSensors = [
  { quantity: 'level', unit: 'm', options: { function: 4, register: 0, dataType: 'float32' } },
  { quantity: 'temperature', unit: 'Cel', options: { function: 4, register: 2, dataType: 'int16', scale: 0.01 } },
  { quantity: 'conductivity', unit: 'S/m', options: { function: 4, register: 3, dataType: 'uint32', wordOrder: 'little', scale: 0.00001 } },
  { quantity: 'battery', unit: 'V', options: { function: 4, register: 5, dataType: 'uint16', scale: 0.001 } },
  { quantity: 'datum', unit: 'm', options: { function: 3, register: 10, dataType: 'int32', scale: 0.001 } },
] as const;
/** The master's timing, one for the whole bus. */
const bus = { type: 'modbus-rtu', intervalMs: 5000, timeoutMs: 1000, silenceMs: 5 };
const sensors: TwinSensor[] = [1, 2].flatMap((slave) => probeSensors.map((sensor) => ({ name: `${sensor.quantity}-${slave}`, unit: sensor.unit, slave, ...sensor.options })));
// A register the probe does not have: slave 1 refuses it every cycle with ILLEGAL DATA ADDRESS.
sensors.push({ name: 'turbidity-1', slave: 1, function: 4, register: 40, dataType: 'uint16' });

const faults: FrameFault[] = ['bad-checksum', 'truncated', 'garbage', 'noise'];
const intact = (fault: FrameFault | undefined) => fault === undefined || fault === 'garbage';

/** The readings a sound answer to `exchange` must produce, in register order, as the driver emits them. */
function expectedFrom(exchange: ModbusExchange): [string, number][] {
  if (exchange.exception !== undefined) return [];
  return probeSensors
    .filter((sensor) => sensor.options.function === exchange.function && sensor.options.register >= exchange.address && sensor.options.register < exchange.address + exchange.quantity)
    .map((sensor) => [`modbus-node/dev/${sensor.quantity}-${exchange.slave}`, inConfigUnit(sensor.quantity, exchange.values[sensor.quantity as keyof ProbeValues])]);
}

/** The probe's manual gives conductivity in µS/cm; the config sends it in S/m, SenML's unit (1 µS/cm = 0.0001 S/m), as the decimal it is. */
function inConfigUnit(quantity: string, value: number): number {
  return quantity === 'conductivity' ? Number((value * 0.0001).toPrecision(12)) : value;
}

describe('modbus-rtu twin → modbus-rtu driver → broker', () => {
  it('delivers the values of every sound answer and counts exceptions, bad CRCs and timeouts', async () => {
    let silentRequests = 0;
    const run = await runPolledTwin<ModbusExchange, ModbusRtuDevice>({
      brokerUrl: broker.url,
      nodeId: 'modbus-node',
      startEpochMs: Date.UTC(2026, 3, 20, 5),
      simulator: { device: 'modbus-rtu', seed: 11, slaves: [1, 2] },
      device: bus,
      sensors,
      durationMs: 30 * 5000,
      stepMs: 50,
      prepare: (twin) => {
        let answers = 0;
        twin.onEmit(() => {
          answers++;
          if (answers % 7 === 6) twin.faults.inject(faults[Math.floor(answers / 7) % faults.length]!);
          if (answers === 60) {
            // The bus goes quiet (a cut A/B pair) for five requests.
            twin.faults.silent = true;
            const heard = twin.requestsReceived;
            const wake = () => {
              silentRequests = twin.requestsReceived - heard;
              if (silentRequests >= 5) twin.faults.silent = false;
              else setImmediate(wake);
            };
            wake();
          }
        });
      },
      expectedReadings: (emissions) => emissions.filter((emission) => intact(emission.fault)).flatMap((emission) => expectedFrom(emission.values)).length,
    });

    const expected = run.emissions.filter((emission) => intact(emission.fault)).flatMap((emission) => expectedFrom(emission.values));
    expect(run.records.map((record) => [record.name, record.value])).toEqual(expected);
    expect(run.records.length).toBeGreaterThan(200);
    expect(run.records.find((record) => record.name === 'modbus-node/dev/conductivity-2')).toMatchObject({ unit: 'S/m' });
    expect(expected.filter(([name]) => name.endsWith('datum-2')).every(([, value]) => value === -1.5)).toBe(true);
    // Five requests a cycle (slave 1: holding 10–11, input 0–5, input 40; slave 2: holding 10–11,
    // input 0–5), 30 cycles; five timeouts of 1 s make one cycle outlast the interval, so the next is skipped.
    expect(run.problems['poll-overrun']).toBe(1);
    expect(run.emissions.length + silentRequests).toBe(29 * 5);

    const count = (fault: FrameFault) => run.emissions.filter((emission) => emission.fault === fault).length;
    const refusals = run.emissions.filter((emission) => emission.values.exception === 2 && intact(emission.fault)).length;
    expect(refusals).toBeGreaterThan(20);
    expect(run.problems['exception-illegal-data-address']).toBe(refusals);
    expect(silentRequests).toBe(5);
    const timeouts = run.problems['timeout'] ?? 0;
    const badFrames = run.problems['bad-frame'] ?? 0;
    expect(badFrames).toBeGreaterThanOrEqual(count('bad-checksum'));
    expect(timeouts).toBeGreaterThanOrEqual(count('truncated') + silentRequests);
    expect(timeouts + badFrames).toBeGreaterThanOrEqual(count('bad-checksum') + count('truncated') + count('noise') + silentRequests);
  });
});
