import type { BytesContext, BytesDriverDefinition, BytesDriverInstance, DeviceBinding } from '../driver.js';
import { ModbusBus } from './bus.js';
import { decodeRegisters, engineeringValue } from './decode.js';
import { exceptionName, type ReadAnswer } from './frame.js';
import { planReads } from './plan.js';
import {
  modbusRtuDeviceShape,
  modbusRtuSensorShape,
  refineModbusRtuDevice,
  refineModbusRtuSensor,
  type ModbusRtuDeviceOptions,
  type ModbusRtuSensorOptions,
} from './schema.js';

/** The `modbus-rtu` driver: registers of Modbus RTU slaves on an RS-485 bus. See README.md beside this file. */
export const modbusRtuDriver: BytesDriverDefinition<typeof modbusRtuDeviceShape, typeof modbusRtuSensorShape> = {
  type: 'modbus-rtu',
  summary: 'holding and input registers (function 3/4) of Modbus RTU slaves on an RS-485 bus, polled every intervalMs',
  link: 'bytes',
  // The rate most field devices ship with; the spec's default is 19200, so many manuals say which.
  defaultBaud: 9600,
  deviceShape: modbusRtuDeviceShape,
  sensorShape: modbusRtuSensorShape,
  refineDevice: refineModbusRtuDevice,
  refineSensor: refineModbusRtuSensor,
  create: (device, context) => createModbusRtuInstance(device, context),
};

function createModbusRtuInstance(device: DeviceBinding<ModbusRtuDeviceOptions, ModbusRtuSensorOptions>, context: BytesContext): BytesDriverInstance {
  const reads = planReads(device.sensors);
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
  const { intervalMs, timeoutMs, silenceMs, retries } = device.options;
  const bus = new ModbusBus(
    reads.map((read) => read.request),
    { intervalMs, timeoutMs, silenceMs, retries },
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
