/**
 * Scripted scenarios for demos and CI: several simulated devices on ptys, and a timeline of
 * what happens to them (faults, a stuck or silent sensor, a cable pulled for a while).
 * `fieldnode simulate --scenario FILE` runs one.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, describeIssue, FieldnodeError, systemClock, type Clock, type TimerHandle, type TwinDefinition } from '../src/index.js';
import { FaultInjector, frameFaults } from './faults.js';
import { hostOnPty, type PtyHostedDevice } from './host.js';
import { simulatorFor, simulatorRegistry } from './registry.js';

/** `250ms`, `20s`, `2m`, or a number of milliseconds. */
const duration = z.union([
  z.number().min(0),
  z
    .string()
    .regex(/^\d+(\.\d+)?(ms|s|m)$/, 'a duration such as 500ms, 20s or 2m')
    .transform((text) => {
      const value = Number.parseFloat(text);
      return text.endsWith('ms') ? value : text.endsWith('m') ? value * 60_000 : value * 1000;
    }),
]);

const stepSchema = z.strictObject({
  at: duration.describe('when, from the start of the scenario'),
  device: z.string().optional().describe('the device id the step acts on'),
  fault: z.enum(frameFaults).optional().describe('inject this fault into the next frames'),
  count: z.number().int().min(1).default(1),
  stuck: z.boolean().optional(),
  silent: z.boolean().optional(),
  unplug: duration.optional().describe('remove the pty for this long, then recreate it under the same path'),
  end: z.literal(true).optional().describe('stop every device and finish'),
});

export const scenarioSchema = z
  .strictObject({
    name: z.string().min(1),
    devices: z
      .array(
        z.strictObject({
          id: z.string().regex(/^[A-Za-z0-9_-]+$/),
          device: z.enum(Object.keys(simulatorRegistry) as [string, ...string[]]),
          pty: z.string().min(1).describe('where the runtime (or a serial terminal) opens the device'),
          options: z.record(z.string(), z.unknown()).default({}),
        }),
      )
      .min(1),
    steps: z.array(stepSchema).default([]),
  })
  .superRefine(
    (scenario, ctx) => {
    // Runs even when entries failed their own checks, so every problem is listed at once.
    if (!Array.isArray(scenario.devices) || !Array.isArray(scenario.steps)) return;
    const ids = new Set(scenario.devices.map((device) => device.id));
    if (ids.size !== scenario.devices.length) ctx.addIssue({ code: 'custom', path: ['devices'], message: 'device ids must be unique' });
    const simulatorOf = new Map(scenario.devices.map((device) => [device.id, device.device]));
    scenario.steps.forEach((step, index) => {
      const simulator = simulatorOf.get(step.device ?? '');
      const injects = step.fault !== undefined || step.stuck !== undefined || step.silent !== undefined;
      const definition = simulator === undefined ? undefined : (simulatorRegistry as Record<string, { optionsShape: object }>)[simulator];
      if (injects && definition && !('faults' in definition.optionsShape)) {
        ctx.addIssue({ code: 'custom', path: ['steps', index], message: `the ${simulator} twin has no fault injection` });
      }
      const actions = [step.fault, step.stuck, step.silent, step.unplug, step.end].filter((action) => action !== undefined).length;
      if (actions !== 1) ctx.addIssue({ code: 'custom', path: ['steps', index], message: 'each step does one thing: fault, stuck, silent, unplug or end' });
      if (!step.end && (step.device === undefined || !ids.has(step.device))) ctx.addIssue({ code: 'custom', path: ['steps', index, 'device'], message: `not one of the devices: ${[...ids].join(', ')}` });
    });
    },
    { when: () => true },
  );

export type Scenario = z.infer<typeof scenarioSchema>;
/** A scenario as written (durations as text, defaults left out), before it is checked. */
export type ScenarioInput = z.input<typeof scenarioSchema>;

/** Reads and checks a scenario file, listing every problem with its path. */
export function loadScenario(path: string): Scenario {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError([{ path: '', message: (error as Error).message.split('\n')[0] ?? 'unreadable' }], path);
  }
  return parseScenario(raw, path);
}

/** Checks a scenario given as an object (as a test writes it); `source` names it in the ConfigError. */
export function parseScenario(raw: unknown, source = 'scenario'): Scenario {
  const parsed = scenarioSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new ConfigError(parsed.error.issues.flatMap(describeIssue), source);
  return parsed.data;
}

/**
 * The scenarios folder of the installed package, found by walking up from this file: it runs
 * from simulators/ in development and from dist/simulators/ once installed.
 */
function bundledScenarioDirectory(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'fieldnode') return join(directory, 'simulators', 'scenarios');
    const parent = dirname(directory);
    if (parent === directory) throw new FieldnodeError('cannot find the fieldnode package root, where the bundled scenarios are', 'USAGE');
    directory = parent;
  }
}

/** The names of the scenarios shipped with the package (`street-corner`, `flood`). */
export function bundledScenarioNames(): string[] {
  return readdirSync(bundledScenarioDirectory())
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => file.slice(0, -'.yaml'.length))
    .sort();
}

/** A scenario file by path, or a bundled one by name, so tests need not know where npm put the package. */
export function scenarioPath(fileOrName: string): string {
  if (existsSync(fileOrName)) return fileOrName;
  const names = bundledScenarioNames();
  if (names.includes(fileOrName)) return join(bundledScenarioDirectory(), `${fileOrName}.yaml`);
  throw new FieldnodeError(`no scenario file "${fileOrName}", nor a bundled scenario of that name; bundled: ${names.join(', ')}`, 'USAGE');
}

/**
 * The same scenario with every pty moved into `directory` under its file name, so parallel
 * runs of one scenario (CI jobs, test files) never fight over a path.
 */
export function reRootScenario(scenario: Scenario, directory: string): Scenario {
  const devices = scenario.devices.map((device) => ({ ...device, pty: join(directory, basename(device.pty)) }));
  const owners = new Map<string, string>();
  const problems = devices.flatMap((device, index) => {
    const owner = owners.get(device.pty);
    owners.set(device.pty, device.id);
    return owner === undefined ? [] : [{ path: `devices[${index}].pty`, message: `its file name ${basename(device.pty)} is also ${owner}'s: under one directory the two ptys would be one path` }];
  });
  if (problems.length > 0) throw new ConfigError(problems, `scenario "${scenario.name}" in ${directory}`);
  return { ...scenario, devices };
}

export interface RunningScenario {
  readonly devices: ReadonlyMap<string, PtyHostedDevice>;
  /** Resolves when an `end` step ran or stop() was called. */
  readonly finished: Promise<void>;
  stop(): Promise<void>;
}

/** What a caller may change in how a scenario's devices are made. */
export interface ScenarioHooks {
  /** Replaces a device's twin before it starts (to record what it emits, say); the default keeps it. */
  readonly twinFor?: (deviceId: string, twin: TwinDefinition) => TwinDefinition;
}

/** Starts every device on its pty and plays the steps on `clock`; `say` narrates each step. */
export async function runScenario(scenario: Scenario, say: (line: string) => void, clock: Clock = systemClock, hooks: ScenarioHooks = {}): Promise<RunningScenario> {
  const devices = new Map<string, PtyHostedDevice>();
  try {
    for (const entry of scenario.devices) {
      const twin = hooks.twinFor?.(entry.id, simulatorFor(entry.device)) ?? entry.device;
      devices.set(entry.id, await hostOnPty(twin, entry.options, { hostPath: entry.pty, clock }));
    }
  } catch (error) {
    await Promise.all([...devices.values()].map((device) => device.stop()));
    throw error;
  }
  for (const entry of scenario.devices) say(`${entry.id}: simulated ${entry.device} on ${entry.pty}`);
  const timers: TimerHandle[] = [];
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      for (const timer of timers) clock.clearTimeout(timer);
      await Promise.all([...devices.values()].map((device) => device.stop()));
      finish();
    })();
    return stopping;
  };
  for (const step of scenario.steps) {
    timers.push(
      clock.setTimeout(() => {
        void playStep(step, devices, clock, say, timers, stop).catch((error: unknown) => say(`step at ${step.at} ms failed: ${(error as Error).message}`));
      }, step.at),
    );
  }
  return { devices, finished, stop };
}

async function playStep(step: Scenario['steps'][number], devices: Map<string, PtyHostedDevice>, clock: Clock, say: (line: string) => void, timers: TimerHandle[], stop: () => Promise<void>): Promise<void> {
  const when = `t+${(step.at / 1000).toFixed(1)}s`;
  if (step.end) {
    say(`${when} end`);
    await stop();
    return;
  }
  const hosted = devices.get(step.device ?? '')!;
  if (step.unplug !== undefined) {
    say(`${when} ${step.device}: unplugged for ${(step.unplug / 1000).toFixed(1)}s`);
    // Scheduled before the unplug is awaited, so a stop meanwhile cancels it.
    timers.push(
      clock.setTimeout(() => {
        hosted.replug().then(
          () => say(`${step.device}: plugged back in`),
          (error: unknown) => say(`${step.device}: could not plug back in: ${(error as Error).message}`),
        );
      }, step.unplug),
    );
    await hosted.unplug();
    return;
  }
  const faults = (hosted.device as { faults?: unknown }).faults;
  if (!(faults instanceof FaultInjector)) throw new Error(`${step.device} has no fault injection`);
  if (step.fault) {
    faults.inject(step.fault, step.count);
    say(`${when} ${step.device}: ${step.fault} × ${step.count}`);
  }
  if (step.stuck !== undefined) {
    faults.stuck = step.stuck;
    say(`${when} ${step.device}: ${step.stuck ? 'stuck' : 'no longer stuck'}`);
  }
  if (step.silent !== undefined) {
    faults.silent = step.silent;
    say(`${when} ${step.device}: ${step.silent ? 'silent' : 'talking again'}`);
  }
}
