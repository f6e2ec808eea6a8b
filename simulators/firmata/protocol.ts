/**
 * The Firmata protocol as StandardFirmata 2.5 speaks it (firmata/protocol on GitHub,
 * protocol.md and the sysex feature documents): MIDI-like messages, 7-bit data bytes, and
 * sysex for queries. Only what an Arduino running StandardFirmata answers is here.
 */
export const FIRMATA = {
  DIGITAL_MESSAGE: 0x90,
  ANALOG_MESSAGE: 0xe0,
  REPORT_ANALOG: 0xc0,
  REPORT_DIGITAL: 0xd0,
  SET_PIN_MODE: 0xf4,
  SET_DIGITAL_PIN_VALUE: 0xf5,
  REPORT_VERSION: 0xf9,
  SYSTEM_RESET: 0xff,
  START_SYSEX: 0xf0,
  END_SYSEX: 0xf7,
  // sysex commands
  ANALOG_MAPPING_QUERY: 0x69,
  ANALOG_MAPPING_RESPONSE: 0x6a,
  CAPABILITY_QUERY: 0x6b,
  CAPABILITY_RESPONSE: 0x6c,
  PIN_STATE_QUERY: 0x6d,
  PIN_STATE_RESPONSE: 0x6e,
  REPORT_FIRMWARE: 0x79,
  SAMPLING_INTERVAL: 0x7a,
} as const;

/** Pin modes (protocol.md, "pin modes"). */
export const PIN_MODE = { INPUT: 0x00, OUTPUT: 0x01, ANALOG: 0x02, PWM: 0x03, SERVO: 0x04, I2C: 0x06, PULLUP: 0x0b } as const;

/** Protocol version StandardFirmata 2.5.x reports. */
export const PROTOCOL_VERSION = { major: 2, minor: 5 } as const;

/** A 14-bit value as two 7-bit bytes, least significant first. */
export function sevenBit(value: number): [number, number] {
  return [value & 0x7f, (value >> 7) & 0x7f];
}

/** A sysex message around `body`. */
export function sysex(command: number, body: readonly number[] = []): Buffer {
  return Buffer.from([FIRMATA.START_SYSEX, command, ...body, FIRMATA.END_SYSEX]);
}

/** A string in sysex form: each character as two 7-bit bytes. */
export function sysexString(text: string): number[] {
  return [...Buffer.from(text, 'latin1')].flatMap((byte) => sevenBit(byte));
}
