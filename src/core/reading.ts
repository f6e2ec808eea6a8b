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
  /**
   * The node's monotonic clock (milliseconds) when the reading was taken. A gateway without a
   * real-time clock cannot trust `time` until NTP, a GPS or the broker side tells it the
   * time; from this stamp the reading is dated once the wall clock is trusted.
   */
  readonly monotonic?: number | undefined;
  /** Set by a `range` filter that flags rather than drops: the value lies outside the sensor's plausible range. */
  readonly outOfRange?: 'below' | 'above' | undefined;
  /** Set when the reading goes out with the machine's time because the clock never became trusted (`clock: { untrusted: flag }`). */
  readonly clock?: 'untrusted' | undefined;
}
