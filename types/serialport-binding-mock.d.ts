// @serialport/binding-mock 10.2.2 ships typings that its package.json "exports" does not
// expose to NodeNext resolution; this declares the part of its API fieldnode uses.
declare module '@serialport/binding-mock' {
  import type { SerialPortStream } from '@serialport/stream';

  type AnyBinding = ConstructorParameters<typeof SerialPortStream>[0]['binding'];

  export interface CreatePortOptions {
    echo?: boolean;
    record?: boolean;
    readyData?: Buffer;
    maxReadSize?: number;
    manufacturer?: string;
    vendorId?: string;
    productId?: string;
  }

  export const MockBinding: AnyBinding & {
    reset(): void;
    createPort(path: string, options?: CreatePortOptions): void;
  };

  export interface MockPortBinding {
    readonly isOpen: boolean;
    lastWrite: Buffer | null;
    recording: Buffer;
    emitData(data: Buffer | string): void;
    write(buffer: Buffer): Promise<void>;
  }
}
