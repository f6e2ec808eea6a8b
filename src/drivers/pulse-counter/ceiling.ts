/**
 * How many pulses per second Firmata reporting can carry. StandardFirmata sends a 3-byte
 * DIGITAL_MESSAGE for every change of a reported port, so a pulse (a fall and a rise) costs 6
 * bytes on a UART that moves baud/10 bytes a second (8N1), shared with the 3-byte analog
 * reports of every analog pin at each sampling interval. Beyond this rate the board's serial
 * buffer fills, its loop stalls and edges are lost on the board, before fieldnode sees them.
 */
export function firmataPulseCeilingHz(baud: number, analogPins = 0, samplingIntervalMs = 19): number {
  const bytesPerSecond = baud / 10;
  const analogBytes = (analogPins * 3 * 1000) / samplingIntervalMs;
  return Math.max(0, (bytesPerSecond - analogBytes) / 6);
}
