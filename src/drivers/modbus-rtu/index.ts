import type { DriverContext, DriverDefinition, DriverInstance, SensorBinding } from '../driver.js';
import { ModbusBus } from './bus.js';
import { decodeRegisters, engineeringValue } from './decode.js';
import { exceptionName, type ReadAnswer } from './frame.js';
import { planReads } from './plan.js';
import { busOptions, modbusRtuOptionsShape, refineModbusRtuOptions, type ModbusRtuOptions } from './schema.js';

/** The `modbus-rtu` driver: registers of Modbus RTU slaves on an RS-485 bus. See README.md beside this file. */
export const modbusRtuDriver: DriverDefinition<typeof modbusRtuOptionsShape> = {
  type: 'modbus-rtu',
  summary: 'holding and input registers (function 3/4) of Modbus RTU slaves on an RS-485 bus, polled every intervalMs',
  optionsShape: modbusRtuOptionsShape,
  refineOptions: refineModbusRtuOptions,
  checkBoard: (sensors) => {
    // One master polls one bus: its timing cannot differ from sensor to sensor.
    const first = sensors[0];
    if (!first) return [];
    return sensors.flatMap((sensor) =>
      busOptions
        .filter((option) => sensor.options[option] !== first.options[option])
        .map((option) => ({
          path: `${sensor.path}.driver.${option}`,
          message: `${option} belongs to the bus: every sensor of this board needs the same value (${first.path} has ${first.options[option]}, this one ${sensor.options[option]})`,
        })),
    );
  },
  create: (sensors, context) => createModbusRtuInstance(sensors, context),
};

function createModbusRtuInstance(sensors: readonly SensorBinding<ModbusRtuOptions>[], context: DriverContext): DriverInstance {
  const reads = planReads(sensors);
  const timing = sensors[0]?.options ?? { intervalMs: 5000, timeoutMs: 1000, silenceMs: 5 };
  const onAnswer = (index: number, answer: ReadAnswer) => {
    const read = reads[index]!;
    const { slave, address, quantity } = read.request;
    if (answer.kind === 'exception') {
      context.problems.count(`exception-${exceptionName(answer.code)}`, `slave ${slave} function ${read.request.function} registers ${address}-${address + quantity - 1}`);
      return;
    }
    const time = context.clock.now();
    for (const { sensor, at, count } of read.values) {
      const { dataType, wordOrder, scale, offset } = sensor.options;
      const value = engineeringValue(decodeRegisters(answer.registers.slice(at, at + count), dataType, wordOrder), scale, offset);
      if (value === undefined) context.problems.count('bad-value', `${sensor.name}: slave ${slave} register ${address + at} holds no number`);
      else context.emit({ name: sensor.name, unit: sensor.unit, value, time });
    }
  };
  const bus = new ModbusBus(
    reads.map((read) => read.request),
    { intervalMs: timing.intervalMs, timeoutMs: timing.timeoutMs, silenceMs: timing.silenceMs },
    context,
    onAnswer,
  );
  return {
    framing: { kind: 'bytes' },
    onBytes: (chunk) => bus.receive(chunk),
    onOpen: () => bus.open(),
    onClose: () => bus.close(),
  };
}
