/**
 * An in-process MQTT broker (aedes) on a free loopback port, for the demo (`fieldnode run`
 * without a config) and for tests. Not for production: it keeps nothing on disk.
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface EmbeddedBroker {
  readonly url: string;
  readonly port: number;
  /**
   * Drops every connection and stops listening, keeping the broker's sessions and queued
   * messages in memory, as a broker with persistence restarting would; `listen` opens the same port again.
   */
  stopListening(): Promise<void>;
  listen(): Promise<void>;
  close(): Promise<void>;
}

/** Starts aedes on `port` (0: any free port) on 127.0.0.1. */
export async function startEmbeddedBroker(port = 0): Promise<EmbeddedBroker> {
  // Loaded here, not at import: the library's entry exports this, and most nodes never call it.
  const { Aedes } = await import('aedes');
  const broker = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const listenOn = async (port: number): Promise<Server> => {
    const server: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      broker.handle(socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return server;
  };
  let server: Server | undefined = await listenOn(port);
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const stopListening = async () => {
    const listening = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (listening) await new Promise<void>((resolve) => listening.close(() => resolve()));
  };
  let closing: Promise<void> | undefined;
  return {
    url: `mqtt://127.0.0.1:${boundPort}`,
    port: boundPort,
    stopListening,
    async listen() {
      server ??= await listenOn(boundPort);
    },
    close() {
      closing ??= (async () => {
        await stopListening();
        await new Promise<void>((resolve) => broker.close(() => resolve()));
      })();
      return closing;
    },
  };
}
