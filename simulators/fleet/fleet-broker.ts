/**
 * The broker a fleet runs against: one it was given (a URL), or one it starts itself on a free
 * port (the embedded aedes, or a private mosquitto), which it can then take down and bring back.
 * Both keep their sessions across the restart (mosquitto writes them to disk on SIGTERM), so
 * what the broker acknowledged before it went down still reaches the consumer afterwards.
 */
import { FieldnodeError, startEmbeddedBroker } from '../../src/index.js';
import { findBinary } from '../find-binary.js';
import { startMosquitto } from '../mosquitto.js';

export interface FleetBroker {
  readonly url: string;
  /** Whether `restart` can be called: only for a broker the fleet started. */
  readonly restartable: boolean;
  /** Takes the broker down (every connection drops), waits `downMs`, and brings it back on the same port. */
  restart(downMs: number): Promise<void>;
  close(): Promise<void>;
}

/** `embedded`, `mosquitto`, or a URL of a broker that is already running. */
export async function fleetBroker(choice: string): Promise<FleetBroker> {
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  if (choice === 'embedded') {
    const broker = await startEmbeddedBroker();
    return {
      url: broker.url,
      restartable: true,
      async restart(downMs) {
        await broker.stopListening();
        await pause(downMs);
        await broker.listen();
      },
      close: () => broker.close(),
    };
  }
  if (choice === 'mosquitto') {
    if (!findBinary('mosquitto')) throw new FieldnodeError('mosquitto is not installed (apt-get install mosquitto); use --broker embedded, or a broker URL', 'USAGE');
    const broker = await startMosquitto({ persistence: true }).catch((error: unknown) => {
      throw new FieldnodeError(`could not start mosquitto: ${(error as Error).message}`, 'BROKER', { cause: error });
    });
    return {
      url: broker.url,
      restartable: true,
      async restart(downMs) {
        await broker.stop();
        await pause(downMs);
        await broker.start();
      },
      close: () => broker.close(),
    };
  }
  if (!/^(mqtts?|wss?|tcp|tls):\/\/\S+$/.test(choice)) throw new FieldnodeError(`--broker takes a URL such as mqtt://host:1883, or embedded, or mosquitto; not "${choice}"`, 'USAGE');
  return {
    url: choice,
    restartable: false,
    restart() {
      return Promise.reject(new FieldnodeError('only a broker the fleet started itself can be restarted', 'USAGE'));
    },
    close: () => Promise.resolve(),
  };
}
