/** What a plot can show of the recent past, bounded whatever the sensor's rate. */
export const HISTORY_WINDOW_MS = 15 * 60_000;
/** At most this many points per sensor: one a second over the window. */
export const HISTORY_MAX_POINTS = 900;
const BUCKET_MS = HISTORY_WINDOW_MS / HISTORY_MAX_POINTS;

/** One point of a plot: wall-clock time in epoch milliseconds and the value then. */
export type HistoryPoint = [number, number | string | boolean];

/**
 * The last 15 minutes of one sensor, downsampled to the latest value per second, so a sensor
 * read a hundred times a second costs no more memory than one read once a second.
 */
export class SensorHistory {
  private readonly points: HistoryPoint[] = [];

  /** Adds a reading; one in the same second as the last point replaces it. */
  add(time: number, value: number | string | boolean): void {
    const last = this.points.at(-1);
    if (last && Math.floor(last[0] / BUCKET_MS) === Math.floor(time / BUCKET_MS)) {
      last[0] = time;
      last[1] = value;
    } else if (!last || time > last[0]) {
      this.points.push([time, value]);
    } else {
      // A reading older than the last point (a clock step back): the plot restarts from it.
      this.points.length = 0;
      this.points.push([time, value]);
    }
    this.trim(time);
  }

  /** The points still within the window ending at `now`, oldest first (a copy). */
  pointsUntil(now: number): HistoryPoint[] {
    this.trim(now);
    return this.points.map(([time, value]) => [time, value]);
  }

  private trim(now: number): void {
    let stale = 0;
    while (stale < this.points.length && this.points[stale]![0] < now - HISTORY_WINDOW_MS) stale++;
    const excess = Math.max(stale, this.points.length - HISTORY_MAX_POINTS);
    if (excess > 0) this.points.splice(0, excess);
  }
}
