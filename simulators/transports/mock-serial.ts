/**
 * A simulated device behind serialport's in-process mock binding: the runtime opens it with
 * its own serial port code, exactly as it opens a real port, and the device twin writes into
 * the binding's receive side.
 */
import { MockBinding, type MockPortBinding } from '@serialport/binding-mock';
import type { Clock, DeviceLink, SimulatedDevice, SerialPortLink, SerialBinding, LinkState } from '../../src/index.js';

let nextPortNumber = 0;

export interface MockSerialOptions {
  /** Names the mock port in logs; made unique, since the mock binding's ports are process-wide. */
  readonly name: string;
  readonly clock: Clock;
  /** Builds the device once the port is open, given the link into the port. */
  readonly createDevice: (link: DeviceLink, clock: Clock) => SimulatedDevice;
  /** Opens a port of the runtime's at `path` through `binding`: the same code a real port goes through. */
  readonly open: (path: string, binding: SerialBinding) => SerialPortLink;
}

/** A serial port whose far end is a simulated device, in the same process. */
export class MockSerialTransport implements SerialPortLink {
  readonly description: string;
  private readonly serial: SerialPortLink;
  private device: SimulatedDevice | undefined;

  constructor(private readonly options: MockSerialOptions) {
    const path = `/dev/fieldnode-sim/${options.name}-${nextPortNumber++}`;
    MockBinding.createPort(path, { echo: false, record: false });
    this.serial = options.open(path, MockBinding as SerialBinding);
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
