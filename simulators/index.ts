/**
 * `fieldnode/simulators`: fieldnode's device twins for other projects' tests, so CI can run
 * hardware-in-the-loop tests without the hardware.
 *
 *   import { startTwin, startScenario, startEmbeddedBroker } from 'fieldnode/simulators';
 */
export { startTwin, type InProcessTwin, type PtyTwin, type StartedTwin, type TwinName, type TwinOptionsOf, type TwinStartOptions } from './api/twin.js';
export { startScenario, type ScenarioStartOptions, type StartedScenario } from './api/scenario.js';
export type { FaultControl } from './api/fault-control.js';
export { DEFAULT_KEPT_WRITES, type NextDataOptions } from './api/recording.js';
export { bundledScenarioNames, loadScenario, parseScenario, type Scenario, type ScenarioInput } from './scenario.js';
export { simulatorRegistry, type SimulatedDeviceName } from './registry.js';
export { createSimulation, type Simulation } from './simulation.js';
export type { FakePiRoot } from './pi/fake-root.js';
/**
 * Firmware in the loop: fieldnode's sketches, compiled (npm run build:firmware), in an emulated
 * Uno or Nano. `startTwin('firmware', { options: { firmware: 'weather-station', board: 'arduino-uno' } })`
 * runs one; `firmwareBuilt` lets a test skip, with a reason, where the .hex was not built.
 */
export { FirmwareTwin, firmwareBuilt, firmwareOptionsShape, type FirmwareTwinOptions } from './firmware/twin.js';
export { firmwareSketches, firmwareHexPath, type FirmwareSketchName } from './firmware/sketches.js';
export { emulatedBoards, type EmulatedBoardId } from './firmware/boards.js';
export type { WorldObservation } from './firmware/world.js';
/** Fault injection for plugin twins: a twin with a FaultInjector in its `faults` property gets the fault calls. */
export { FaultInjector, faultOptionsShape, frameFaults, type FaultOptions, type FrameFault } from './faults.js';
/** Whether socat, which pty twins need, is installed: lets a test skip pty cases with a reason. */
export { hasSocat } from './transports/pty.js';
/** An in-process MQTT broker on a free loopback port, for the node under test to publish to. */
export { startEmbeddedBroker, type EmbeddedBroker } from '../src/index.js';
export type { Clock, DeviceLink, SimulatedDevice, TwinDefinition } from '../src/index.js';
