import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { MqttUplink } from '../uplink/mqtt-uplink.js';
import type { Outbox } from './outbox.js';

/** What a forwarder is built from: its outbox and uplink, time, and the bounds of its window and drain. */
export interface ForwarderOptions {
  readonly outbox: Outbox;
  readonly uplink: Pick<MqttUplink, 'isConnected' | 'connectionGeneration' | 'maximumPacketSize' | 'publish' | 'onConnect' | 'onDisconnect'>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** This run's boot epoch: packs of earlier boots are historical by definition. */
  readonly boot: number;
  /** Packs handed to MQTT and not yet acknowledged, at most. */
  readonly maxInFlight: number;
  /** Rate at which the backlog drains, in readings per second; fresh packs are not limited. */
  readonly drainReadingsPerSecond: number;
  /**
   * How long a stored pack may wait for the broker's acknowledgement before it is synced to
   * the card (one fsync for all waiting) so that it survives a power cut; 0 syncs every write.
   */
  readonly syncDelayMs: number;
  /** How often packs older than the age bound are dropped. */
  readonly expiryCheckMs?: number;
  /** How long stop() waits for acknowledgements before leaving the rest on disk. */
  readonly stopTimeoutMs?: number;
}
