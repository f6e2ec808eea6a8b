/**
 * Counts the MQTT connections a fleet's nodes make, second by second (each node's connection
 * generation grows by one per connection): what a broker restart brings back, and whether the
 * nodes come back spread out by their jittered backoff or all at once.
 */
export class ConnectionCounter {
  private readonly perSecond: number[] = [];

  constructor(private readonly startedAt: number) {}

  /** Adds connections made since the last sample to the current second. */
  add(connections: number, now = Date.now()): void {
    const second = Math.floor((now - this.startedAt) / 1000);
    while (this.perSecond.length <= second) this.perSecond.push(0);
    this.perSecond[second]! += connections;
  }

  /** Connections in each second since the start. */
  get connectionsPerSecond(): readonly number[] {
    return this.perSecond;
  }
}
