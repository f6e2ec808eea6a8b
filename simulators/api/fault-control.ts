/**
 * Faults on demand, for twins built with a FaultInjector in their `faults` property (every
 * bundled twin but the Firmata board): what a device or its cable does wrong, when the test
 * says so.
 */
import { FieldnodeError, type SimulatedDevice } from '../../src/index.js';
import { FaultInjector, frameFaults, type FrameFault } from '../faults.js';

/** The fault calls every started twin carries; on a twin without fault injection they throw. */
export interface FaultControl {
  /** Whether the twin has fault injection, so the calls below work. */
  readonly hasFaults: boolean;
  /** The next `count` frames (default 1) go out with `fault`. */
  inject(fault: FrameFault, count?: number): void;
  /** Drops faults injected and not yet sent, and ends stuck and silent; the random rates in the options stay. */
  clearFaults(): void;
  /** A stuck sensor repeats its last value. */
  stuck(on: boolean): void;
  /** A silent device sends nothing. */
  silent(on: boolean): void;
}

/** The device's fault injector, if it has one. */
export function faultInjectorOf(device: SimulatedDevice): FaultInjector | undefined {
  const faults = (device as { faults?: unknown }).faults;
  return faults instanceof FaultInjector ? faults : undefined;
}

/** The fault calls for `device`; `name` says which twin in the errors. */
export function faultControl(device: SimulatedDevice, name: string): FaultControl {
  const injector = faultInjectorOf(device);
  const required = (): FaultInjector => {
    if (injector) return injector;
    throw new FieldnodeError(`the ${name} twin has no fault injection: it has no FaultInjector in its "faults" property`, 'USAGE');
  };
  return {
    hasFaults: injector !== undefined,
    inject(fault, count = 1) {
      const faults = required();
      if (!frameFaults.includes(fault)) throw new FieldnodeError(`no fault "${String(fault)}"; known: ${frameFaults.join(', ')}`, 'USAGE');
      if (!Number.isInteger(count) || count < 1) throw new FieldnodeError(`a fault count is a whole number of frames, at least 1 (got ${String(count)})`, 'USAGE');
      faults.inject(fault, count);
    },
    clearFaults() {
      required().clear();
    },
    stuck(on) {
      required().stuck = on;
    },
    silent(on) {
      required().silent = on;
    },
  };
}
