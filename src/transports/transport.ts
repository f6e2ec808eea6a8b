import type { Lifecycle } from '../core/lifecycle.js';

/**
 * How bytes reach a driver. Real serial ports, in-process mock ports and simulators all
 * implement this, so one contract test suite covers every one of them.
 */
export interface ByteTransport extends Lifecycle {
  /** For logs and errors: what this is and where (`serial /dev/ttyUSB0 @ 9600`). */
  readonly description: string;
  /** Bytes as they arrive, in order; listeners are kept across reopenings. */
  onData(listener: (chunk: Buffer) => void): void;
  /** Sends bytes to the device (requests, commands); resolves once the OS has them. */
  write(data: Buffer): Promise<void>;
  /** Open and closed (unplugged, stopped), so the board's device status can follow; returns the unsubscribe. */
  onStatus(listener: (state: TransportState, reason?: string) => void): () => void;
}

export type TransportState = 'open' | 'closed';
