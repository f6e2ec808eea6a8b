/**
 * What the kernel's w1_therm driver prints in a DS18B20's `w1_slave` file, produced here from
 * the datasheet and the kernel source, not from the runtime's parser, so the two can disagree
 * if one of them misreads the device.
 *
 * DS18B20 datasheet (Maxim, 19-7487 Rev 6): the scratchpad is 9 bytes: temperature LSB, MSB
 * (two's complement, 1/16 °C at 12 bits), TH, TL, configuration (7Fh = 12 bits), three reserved
 * bytes (FFh, then a byte that reads 0Ch at power-on, 10h), and the CRC of the first eight.
 * The power-on temperature register is 0550h (+85 °C). The CRC is the Dallas/Maxim CRC-8,
 * polynomial X^8 + X^5 + X^4 + 1, bits in LSB first (Maxim application note 27).
 *
 * The kernel (drivers/w1/slaves/w1_therm.c, w1_slave_show) prints the nine bytes in lowercase
 * hex each followed by a space, `: crc=<hex> YES|NO`, a newline, the nine bytes again and
 * `t=<milli-degrees>`; the value is the register times 1000 / 16, truncated toward zero (C
 * integer division).
 */

/** The CRC-8 of AN27, kept as the shift register the note draws: each input bit enters at bit 7 after the feedback taps. */
export function maximCrc8(bytes: readonly number[]): number {
  let register = 0;
  for (const byte of bytes) {
    for (let bit = 0; bit < 8; bit++) {
      const feedback = ((byte >> bit) ^ register) & 1;
      register >>= 1;
      // X^8 + X^5 + X^4 + 1, reflected: the taps after bits 3 and 4, and the input at bit 7.
      if (feedback) register ^= 0b1000_1100;
    }
  }
  return register;
}

/** The scratchpad a DS18B20 at 12 bits holds for a temperature register value (1/16 °C). */
export function ds18b20Scratchpad(register: number, options: { afterPowerOn?: boolean } = {}): number[] {
  const word = register & 0xffff;
  const reserved = options.afterPowerOn ? 0x0c : 0x10 - (word & 0x0f);
  const bytes = [word & 0xff, (word >> 8) & 0xff, 0x4b, 0x46, 0x7f, 0xff, reserved, 0x10];
  return [...bytes, maximCrc8(bytes)];
}

/** The temperature the kernel prints for a scratchpad, in milli-degrees Celsius. */
export function kernelMilliCelsius(scratchpad: readonly number[]): number {
  const register = new DataView(Uint8Array.from(scratchpad.slice(0, 2)).buffer).getInt16(0, true);
  return Math.trunc((register * 1000) / 16);
}

/**
 * The file's text for one read. `retained` is what the second line shows when the CRC fails:
 * the bytes of the last good read, as the kernel keeps them.
 */
export function w1SlaveText(read: readonly number[], retained: readonly number[] = read): string {
  const crc = maximCrc8(read.slice(0, 8));
  const good = crc === read[8];
  const hexBytes = (bytes: readonly number[]) => bytes.map((byte) => `${byte.toString(16).padStart(2, '0')} `).join('');
  return `${hexBytes(read)}: crc=${crc.toString(16).padStart(2, '0')} ${good ? 'YES' : 'NO'}\n${hexBytes(good ? read : retained)}t=${kernelMilliCelsius(read)}\n`;
}
