/**
 * Twins and simulated Pis behind the runtime's own link sources. The runtime asks for a
 * board's serial port or Pi; a board with `simulator` gets its twin on a mock port (opened by
 * the runtime's real serial code), a board with `piSimulator` a simulated Pi; any other board
 * gets the real thing. The runtime never imports this file: the command line and tests pass
 * its catalog in.
 */
import { hardwareCatalog, type Catalog, type LinkSources, type SimulatedDevice, type TwinDefinition } from '../src/index.js';
import { FakePiRoot } from './pi/fake-root.js';
import { piSimulatorShape, type PiSimulatorOptions } from './pi/options.js';
import { MockSerialTransport } from './transports/mock-serial.js';

/** A catalog with the bundled twins and the simulated Pi, and what runs behind its boards. */
export interface Simulation {
  readonly catalog: Catalog;
  /** The twin behind a board, while its port is open. */
  device(boardId: string): SimulatedDevice | undefined;
  /** The simulated Pi behind a board, from the first time the node asked for it. */
  pi(boardId: string): FakePiRoot | undefined;
}

/**
 * These twins and the simulated Pi over `base` (the built-in drivers and real links by
 * default). The twins are given, not imported here: the command line loads only those a
 * config names (see twin-loaders.ts), `createSimulation` all the bundled ones.
 */
export function simulationWith(twins: Readonly<Record<string, TwinDefinition>>, base: Catalog = hardwareCatalog): Simulation {
  const ports = new Map<string, MockSerialTransport>();
  const pis = new Map<string, FakePiRoot>();
  const links: LinkSources = {
    serialPort(request) {
      const { board, twin } = request;
      if (!board.simulator || !twin) return base.links.serialPort(request);
      const port = new MockSerialTransport({
        name: board.id,
        clock: request.deviceClock,
        createDevice: twin,
        open: (path, binding) => base.links.serialPort({ ...request, via: { path, binding } }),
      });
      ports.set(board.id, port);
      return port;
    },
    pi(request) {
      const { board } = request;
      if (!board.piSimulator) return base.links.pi(request);
      const options = board.piSimulator as PiSimulatorOptions;
      const tree = new FakePiRoot({ ...options, clock: request.deviceClock });
      pis.set(board.id, tree);
      return {
        files: tree.files(),
        i2c: tree.i2c(),
        gpio: tree.gpio(),
        // The tree moves while the board is open and is deleted when it closes; opened again, it is laid out anew.
        companion: { start: async () => tree.start(), stop: async () => tree.dispose() },
      };
    },
  };
  return {
    catalog: { drivers: base.drivers, twins: { ...twins, ...base.twins }, piSimulatorShape, links },
    device: (boardId) => ports.get(boardId)?.simulatedDevice,
    pi: (boardId) => pis.get(boardId),
  };
}
