/** A single measured value: what drivers produce and the codec encodes. */
export interface Reading {
  /** Sensor name, unique within its board; becomes the SenML `n` after the pack's base name. */
  readonly name: string;
  /** Numbers for measurements; strings and booleans exist in SenML (`vs`, `vb`) for states. */
  readonly value: number | string | boolean;
  /** SenML unit name (`Cel`, `%RH`, `Pa`...), omitted when the quantity has none. */
  readonly unit?: string | undefined;
  /** Wall-clock time of the measurement in epoch milliseconds, taken from the node's Clock. */
  readonly time: number;
}
