/**
 * `startScenario`: a scenario's devices on ptys under a directory the caller chooses, so
 * parallel CI jobs or test files running the same scenario never share a path.
 */
import { FieldnodeError, systemClock, type Clock } from '../../src/index.js';
import { loadScenario, parseScenario, reRootScenario, runScenario, scenarioPath, type Scenario, type ScenarioInput } from '../scenario.js';
import { EmissionRecorder } from './recording.js';
import { ptyTwin, type PtyTwin } from './twin.js';

/** Where and how a scenario runs. */
export interface ScenarioStartOptions {
  /** Every device's pty is created here, under the file name its scenario gives it. */
  readonly directory: string;
  /** The timeline's time: a VirtualClock plays the steps as the test advances it. */
  readonly clock?: Clock;
  /** Told each step as it plays (the lines `fieldnode simulate --scenario` prints); quiet by default. */
  readonly say?: (line: string) => void;
  /** How many of the last writes each device's `emitted()` keeps (default 1024). */
  readonly keep?: number;
}

/** A scenario running for a test. */
export interface StartedScenario {
  readonly name: string;
  /** Device id → the pty path the code under test opens. */
  readonly paths: Readonly<Record<string, string>>;
  /** Device id → its twin: faults, emitted bytes, unplug and replug, as from startTwin. */
  readonly devices: Readonly<Record<string, PtyTwin>>;
  /** The twin of one device; throws for an id the scenario lacks. */
  device(id: string): PtyTwin;
  /** Settles when the timeline's `end` step ran or stop() was called. */
  readonly finished: Promise<void>;
  /** Stops every device and the timeline; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Runs a scenario: a file, the name of a bundled one (`street-corner`), or an object as a
 * scenario file would hold it. Its steps play on `clock` from now on.
 */
export async function startScenario(scenario: string | ScenarioInput, options: ScenarioStartOptions): Promise<StartedScenario> {
  if (typeof options?.directory !== 'string' || options.directory === '') {
    throw new FieldnodeError('startScenario needs { directory }: where its ptys are created, one per test or CI job', 'USAGE');
  }
  const checked: Scenario = typeof scenario === 'string' ? loadScenario(scenarioPath(scenario)) : parseScenario(scenario);
  const placed = reRootScenario(checked, options.directory);
  const recorders = new Map<string, EmissionRecorder>();
  const running = await runScenario(placed, options.say ?? (() => undefined), options.clock ?? systemClock, {
    twinFor(deviceId, twin) {
      const recorder = new EmissionRecorder(options.keep);
      recorders.set(deviceId, recorder);
      return recorder.wrapTwin(twin);
    },
  });
  const devices: Record<string, PtyTwin> = {};
  const paths: Record<string, string> = {};
  for (const entry of placed.devices) {
    const hosted = running.devices.get(entry.id)!;
    devices[entry.id] = ptyTwin(entry.device, hosted, recorders.get(entry.id)!);
    paths[entry.id] = entry.pty;
  }
  let stopping: Promise<void> | undefined;
  return {
    name: placed.name,
    paths,
    devices,
    device(id) {
      const twin = devices[id];
      if (!twin) throw new FieldnodeError(`scenario "${placed.name}" has no device "${id}"; its devices: ${Object.keys(devices).join(', ')}`, 'USAGE');
      return twin;
    },
    finished: running.finished,
    stop() {
      stopping ??= (async () => {
        await running.stop();
        // Each device's own stop is idempotent and also ends its pending nextData calls.
        await Promise.all(Object.values(devices).map((twin) => twin.stop()));
      })();
      return stopping;
    },
  };
}
