/**
 * What the command line is given by its composition root: the catalog (drivers, twins, link
 * sources) and, when the simulators are there, the means to host twins for `simulate`. The
 * command line never imports the simulators itself.
 */
import type { Writable } from 'node:stream';
import type { Catalog } from '../catalog/catalog.js';
import type { TwinDefinition } from '../catalog/twin.js';
import type { FleetHosting } from './fleet-report.js';

/** A twin running on its own, outside a node. */
export interface HostedTwin {
  stop(): Promise<void>;
}

/** A running scenario. */
export interface RunningScenario {
  readonly name: string;
  /** Settles when the scenario's timeline ends. */
  readonly finished: Promise<void>;
  stop(): Promise<void>;
}

/** How `fieldnode simulate` runs twins: on a pty, into a stream, or several in a scenario. */
export interface TwinHosting {
  /** Validates the raw options (a ConfigError lists every problem), then runs the twin on a new pty at `hostPath`. */
  onPty(twin: TwinDefinition, rawOptions: Record<string, unknown>, hostPath: string): Promise<HostedTwin & { readonly path: string }>;
  /** The same, writing to a stream (stdout) instead. */
  onStream(twin: TwinDefinition, rawOptions: Record<string, unknown>, stream: Writable): HostedTwin;
  /** Loads a scenario file (a ConfigError lists its problems) and runs it, its ptys in `directory` when given; `say` narrates. */
  runScenario(file: string, say: (line: string) => void, directory?: string): Promise<RunningScenario>;
}

export interface Composition {
  readonly catalog: Catalog;
  readonly twins?: TwinHosting;
  /** How `fleet` runs many simulated nodes, when the simulators are there. */
  readonly fleet?: FleetHosting;
}

/**
 * The composition, loaded when a verb first needs it (memoized by the command line). With
 * `forConfigFile`, only what that file needs (not memoized): its catalog may then lack the twins
 * the file does not name, and the hosting of twins and fleets. To `validate` it, the twins'
 * options; to `run` it, the twins and simulated Pi it names behind their links, or none of the
 * simulators at all when it names none (a node on real hardware carries no simulator code).
 */
export type LoadComposition = (forConfigFile?: string, purpose?: CompositionPurpose) => Promise<Composition>;

/** What a config file's composition is for: validating the file, or running it. */
export type CompositionPurpose = 'validate' | 'run';
