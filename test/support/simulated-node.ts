import { parseConfig, validateConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/core/errors.js';
import type { NodeConfig } from '../../src/config/schema.js';
import { FieldNode, type NodeDependencies } from '../../src/node.js';
import type { SimulatedDevice } from '../../src/catalog/twin.js';
import type { FakePiRoot } from '../../simulators/pi/fake-root.js';
import { createSimulation } from '../../simulators/simulation.js';

/** The catalog configs of simulated boards are checked against: the built-in drivers and the bundled twins. */
export const simulatedCatalog = createSimulation().catalog;

/** validateConfig against the drivers and the bundled twins. */
export function validateSimulated(raw: unknown, source = 'config'): NodeConfig {
  return validateConfig(raw, source, simulatedCatalog);
}

/** A FieldNode on a simulation of its own, with what runs behind each board at hand. */
export type SimulatedNode = FieldNode & {
  /** The twin behind a board, while its port is open. */
  simulatedDevice(boardId: string): SimulatedDevice | undefined;
  /** The simulated Pi behind a board. */
  simulatedPi(boardId: string): FakePiRoot | undefined;
};

/** A node whose simulated boards run the bundled twins and simulated Pis. */
export function simulatedNode(config: NodeConfig, dependencies: Omit<NodeDependencies, 'catalog'> = {}): SimulatedNode {
  const simulation = createSimulation();
  const node = new FieldNode(config, { ...dependencies, catalog: simulation.catalog });
  return Object.assign(node, { simulatedDevice: (boardId: string) => simulation.device(boardId), simulatedPi: (boardId: string) => simulation.pi(boardId) });
}

/** A config's problems as `path: message`, checked against the drivers and the bundled twins; throws if the config is accepted. */
export function configProblems(text: string): string[] {
  try {
    parseConfig(text, 'test.yaml', simulatedCatalog);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => `${problem.path}: ${problem.message}`);
    throw error;
  }
  throw new Error('config was accepted');
}
