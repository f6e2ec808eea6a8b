import { FIRMATA } from './protocol.js';

/** A host-to-board message: a channel command with its two data bytes, or a sysex. */
export type HostMessage =
  | { readonly kind: 'command'; readonly command: number; readonly channel: number; readonly data: readonly number[] }
  | { readonly kind: 'sysex'; readonly command: number; readonly data: readonly number[] }
  | { readonly kind: 'single'; readonly command: number };

/** How many data bytes follow each command (upper nibble, or full byte for 0xF0-0xFF commands). */
function dataLength(command: number): number | undefined {
  switch (command & 0xf0) {
    case FIRMATA.DIGITAL_MESSAGE:
    case FIRMATA.ANALOG_MESSAGE:
      return 2;
    case FIRMATA.REPORT_ANALOG:
    case FIRMATA.REPORT_DIGITAL:
      return 1;
  }
  switch (command) {
    case FIRMATA.SET_PIN_MODE:
    case FIRMATA.SET_DIGITAL_PIN_VALUE:
      return 2;
    case FIRMATA.REPORT_VERSION:
    case FIRMATA.SYSTEM_RESET:
      return 0;
  }
  return undefined;
}

/**
 * Cuts the host's byte stream into messages, as StandardFirmata's parser does: a byte with
 * the top bit set starts a message, data bytes follow; unknown commands and stray data bytes
 * are skipped; a sysex longer than the board's buffer is dropped.
 */
export class HostMessageParser {
  private pending: number[] = [];
  private command: number | undefined;
  private inSysex = false;

  constructor(
    private readonly onMessage: (message: HostMessage) => void,
    private readonly maxSysex = 64,
  ) {}

  push(chunk: Uint8Array): void {
    for (const byte of chunk) this.take(byte);
  }

  private take(byte: number): void {
    if (this.inSysex) {
      if (byte === FIRMATA.END_SYSEX) {
        this.inSysex = false;
        const [command, ...data] = this.pending;
        this.pending = [];
        if (command !== undefined) this.onMessage({ kind: 'sysex', command, data });
      } else if (this.pending.length < this.maxSysex) {
        this.pending.push(byte & 0x7f);
      } else {
        this.inSysex = false;
        this.pending = [];
      }
      return;
    }
    if (byte & 0x80) {
      if (byte === FIRMATA.START_SYSEX) {
        this.inSysex = true;
        this.pending = [];
        this.command = undefined;
        return;
      }
      const length = dataLength(byte);
      this.pending = [];
      this.command = length === undefined ? undefined : byte;
      if (length === 0) {
        this.onMessage({ kind: 'single', command: byte });
        this.command = undefined;
      }
      return;
    }
    if (this.command === undefined) return;
    this.pending.push(byte);
    if (this.pending.length === dataLength(this.command)) {
      const command = this.command;
      const isChannel = (command & 0xf0) !== 0xf0;
      this.onMessage({ kind: 'command', command: isChannel ? command & 0xf0 : command, channel: isChannel ? command & 0x0f : 0, data: this.pending });
      this.pending = [];
    }
  }
}
