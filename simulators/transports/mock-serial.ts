/**
 * A simulated device behind serialport's in-process mock binding: the runtime's own
 * SerialTransport opens it exactly as it opens a real port, and the device twin writes
 * into the binding's receive side.
 */
import { MockBinding, type MockPortBinding } from '@serialport/binding-mock';
import type { Clock } from '../../src/core/clock.js';
import type { Logger } from '../../src/core/logger.js';
import { SerialTransport } from '../../src/transports/serial.js';
import type { BytesLink, LinkState } from '../../src/transports/link.js';
import type { DeviceLink, SimulatedDevice } from '../device.js';

let nextPortNumber = 0;

export interface MockSerialOptions {
  /** Names the mock port in logs; made unique, since the mock binding's ports are process-wide. */
  readonly name: string;
  readonly baudRate: number;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Builds the device once the port is open, given the link into the port. */
  readonly createDevice: (link: DeviceLink, clock: Clock) => SimulatedDevice;
}

/** A BytesLink whose far end is a simulated device, in the same process. */
export class MockSerialTransport implements BytesLink {
  readonly description: string;
  private readonly serial: SerialTransport;
  private device: SimulatedDevice | undefined;

  constructor(private readonly options: MockSerialOptions) {
    const path = `/dev/fieldnode-sim/${options.name}-${nextPortNumber++}`;
    MockBinding.createPort(path, { echo: false, record: false });
    this.serial = new SerialTransport({ path, baudRate: options.baudRate, binding: MockBinding, ...(options.logger ? { logger: options.logger } : {}) });
    this.description = `simulated ${this.serial.description}`;
    // Registered before anyone else's listener: the device is wired to the port before a
    // driver, told of the opening, writes its first request.
    this.serial.onStatus((state) => {
      if (state === 'open') this.attachDevice();
    });
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    return this.serial.onData(listener);
  }

  write(data: Buffer): Promise<void> {
    return this.serial.write(data);
  }

  onStatus(listener: (state: LinkState, reason?: string) => void): () => void {
    return this.serial.onStatus(listener);
  }

  async start(): Promise<void> {
    if (this.device) return;
    await this.serial.start();
    if (!this.device) throw new Error(`${this.description} did not open`);
  }

  private attachDevice(): void {
    const binding = this.serial.openPort?.port as MockPortBinding | undefined;
    if (!binding || this.device) return;
    const link: DeviceLink = {
      write(data) {
        if (binding.isOpen) binding.emitData(data);
        return true;
      },
    };
    const device = this.options.createDevice(link, this.options.clock);
    // What the runtime writes to the port goes to the device, as it would over the wire.
    binding.write = async (data: Buffer) => device.receive?.(Buffer.from(data));
    this.device = device;
    device.start();
  }

  /** The mock port's stream while open, for clients that speak on it directly (Firmata). */
  get openPort() {
    return this.serial.openPort;
  }

  /** The simulated device while the port is open, so tests can watch what it emits. */
  get simulatedDevice(): SimulatedDevice | undefined {
    return this.device;
  }

  async stop(): Promise<void> {
    this.device?.stop();
    this.device = undefined;
    await this.serial.stop();
  }
}
