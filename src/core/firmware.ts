/** What a board says it runs, from the banner its firmware prints at reset; its birth carries it. */
export interface FirmwareIdentity {
  /** The sketch's name, as the board profile's `sketches` list it. */
  readonly sketch: string;
  /** What the firmware build stamped in: `git describe` of the source (0.1.0-5-g1a2b3c4). */
  readonly version: string;
  /** The board profile the firmware was built for (arduino-uno). */
  readonly board: string;
}
