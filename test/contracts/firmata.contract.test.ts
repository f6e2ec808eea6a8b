/**
 * The Firmata contract, run against the twin over serialport's mock binding and over a socat
 * pty through the real serialport binding, and against a real board running StandardFirmata
 * when TEST_PORT names its port (TEST_PORT=/dev/ttyACM0 npm test; TEST_DIGITAL_PIN picks a
 * free digital pin, default 2).
 */
import { MockBinding, type MockPortBinding } from '@serialport/binding-mock';
import { SerialPortStream } from '@serialport/stream';
import firmataIo from 'firmata-io';
import { SerialPort } from 'serialport';
import { z } from 'zod';
import { systemClock } from '../../src/core/clock.js';
import { FirmataBoard, firmataBoardOptionsShape } from '../../simulators/devices/firmata-board.js';
import { hostOnPty } from '../../simulators/host.js';
import { describeWithBinary } from '../support/binaries.js';
import { firmataContract, whenReady, type ConnectedBoard } from './firmata-contract.js';

let counter = 0;

/** The twin behind a mock port, as a unit test host would wire it. */
async function twinOnMockPort(): Promise<ConnectedBoard> {
  const path = `/dev/fieldnode-contract-${process.pid}-${counter++}`;
  MockBinding.createPort(path, { echo: false, record: false });
  const port = new SerialPortStream({ binding: MockBinding, path, baudRate: 57600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  const binding = port.port as unknown as MockPortBinding;
  const board = new FirmataBoard(z.strictObject(firmataBoardOptionsShape).parse({}), { write: (data) => (binding.emitData(data), true) }, systemClock);
  binding.write = async (data: Buffer) => board.receive(Buffer.from(data));
  const client = new firmataIo.Firmata(port);
  board.start();
  await whenReady(client);
  return {
    client,
    close: async () => {
      board.stop();
      await new Promise<void>((resolve) => port.close(() => resolve()));
    },
  };
}

/** A board at a serial path: a real one, or the twin's end of a pty. */
async function boardAt(path: string, onClose: () => Promise<void> = async () => {}): Promise<ConnectedBoard> {
  const port = new SerialPort({ path, baudRate: 57600 });
  const client = new firmataIo.Firmata(port);
  try {
    await whenReady(client);
  } catch (error) {
    await new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
    await onClose();
    throw error;
  }
  return {
    client,
    close: async () => {
      await new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
      await onClose();
    },
  };
}

firmataContract('Firmata contract: the twin on the mock binding', twinOnMockPort);

describeWithBinary('socat', 'socat', 'Firmata contract on a pty', () => {
  firmataContract('the twin through the real serialport binding', async () => {
    const hosted = await hostOnPty('firmata-board', { board: 'uno' });
    return boardAt(hosted.pty.hostPath, () => hosted.stop());
  });
});

// A real board is not on every machine: the suite joins the run when TEST_PORT names one.
const testPort = process.env['TEST_PORT'];
if (testPort) firmataContract(`Firmata contract: the board on ${testPort}`, () => boardAt(testPort), Number(process.env['TEST_DIGITAL_PIN'] ?? 2));
