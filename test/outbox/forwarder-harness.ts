import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../src/core/clock.js';
import { Listeners } from '../../src/core/listeners.js';
import { Forwarder } from '../../src/outbox/forwarder.js';
import type { Outbox } from '../../src/outbox/outbox.js';
import { openSqliteOutbox } from '../../src/outbox/sqlite-outbox.js';
import type { OutgoingMessage, PublishDone } from '../../src/uplink/mqtt-uplink.js';
import { memoryLogger } from '../support/memory-logger.js';

/** An uplink whose acknowledgements the test hands out; the forwarder's only seam to MQTT. */
export class FakeUplink {
  isConnected = true;
  connectionGeneration = 1;
  maximumPacketSize: number | undefined;
  readonly sent: { message: OutgoingMessage; done: PublishDone }[] = [];
  private readonly connects = new Listeners<[generation: number]>();
  private readonly disconnects = new Listeners<[]>();
  publish(message: OutgoingMessage, done: PublishDone): void {
    this.sent.push({ message, done });
  }
  onConnect(listener: (generation: number) => void): () => void {
    return this.connects.add(listener);
  }
  onDisconnect(listener: () => void): () => void {
    return this.disconnects.add(listener);
  }
  disconnect(): void {
    this.isConnected = false;
    this.disconnects.emit();
  }
  reconnect(): void {
    this.isConnected = true;
    this.connectionGeneration++;
    this.connects.emit(this.connectionGeneration);
  }
}

/** One turn of the event loop: the forwarder commits and removes on setImmediate. */
export const tick = () => new Promise((resolve) => setImmediate(resolve));
/** Generous bounds: nothing is dropped unless a test means it. */
export const bounds = { maxBytes: 1_000_000, maxAgeMs: 3_600_000, overflow: 'drop-oldest' as const };

/** A forwarder on a real SQLite file (or `outbox`), a fake uplink, virtual time and a logger the test reads. */
export function setup(outbox: Outbox = openSqliteOutbox(join(mkdtempSync(join(tmpdir(), 'fieldnode-fwd-')), 'o.db'), bounds), { syncDelayMs = 250 } = {}) {
  const clock = new VirtualClock(Date.UTC(2026, 1, 1));
  const uplink = new FakeUplink();
  const logger = memoryLogger();
  const forwarder = new Forwarder({ outbox, uplink, clock, logger, boot: 3, maxInFlight: 4, drainReadingsPerSecond: 1_000_000, syncDelayMs, stopTimeoutMs: 50 });
  const submit = (count: number) => {
    for (let index = 0; index < count; index++) forwarder.submit('n/b/data', 2, (session) => Buffer.from(JSON.stringify(session)));
  };
  return { clock, uplink, logger, forwarder, outbox, submit };
}

