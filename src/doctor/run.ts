/**
 * `fieldnode doctor`: every check of a technician's setup in one go, in a fixed order, each
 * printed as it finishes. The clock and Node.js checks run even when the config does not load.
 */
import type { Catalog } from '../catalog/catalog.js';
import { checkBroker } from './broker.js';
import { checkClock, systemClockProbe, type ClockProbe } from './clock.js';
import { checkConfig } from './config-checks.js';
import { checkDataDir } from './data-dir.js';
import { checkDevices } from './devices.js';
import { formatJson, formatResult, formatSummary } from './format.js';
import { checkNodeVersion, enginesRange } from './node-version.js';
import { processIdentity, type Identity } from '../ports/access.js';
import { checkPorts } from './ports.js';
import { allPassed, type CheckResult } from './report.js';

/** What the checks read of the machine, injectable so tests can be the gateway they describe. */
export interface DoctorProbes {
  readonly identity?: Identity;
  readonly clock?: ClockProbe;
  /** `process.version` unless given. */
  readonly nodeVersion?: string;
  readonly now?: () => number;
  /** Where password variables are read from. */
  readonly environment?: NodeJS.ProcessEnv;
  /** How long each device may take to give its first reading. */
  readonly deviceTimeoutMs?: number;
}

/** Runs every check on the config at `configPath`; `ok` is false when any failed. */
export async function runDoctor(configPath: string, options: { catalog: Catalog; write: (line: string) => void; json?: boolean; probes?: DoctorProbes }): Promise<{ ok: boolean }> {
  const results = await collectChecks(configPath, options.catalog, options.probes ?? {}, options.json ? () => undefined : (result) => formatResult(result).forEach((line) => options.write(line)));
  if (options.json) options.write(formatJson(results));
  else options.write(formatSummary(results));
  return { ok: allPassed(results) };
}

/** The checks in order; `onResult` sees each as it is known, for a report that grows while the slow ones run. */
export async function collectChecks(configPath: string, catalog: Catalog, probes: DoctorProbes, onResult: (result: CheckResult) => void = () => undefined): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const add = (found: readonly CheckResult[]) => {
    for (const result of found) {
      results.push(result);
      onResult(result);
    }
  };
  const now = probes.now ?? Date.now;
  const loaded = await checkConfig(configPath, catalog, probes.environment ?? process.env);
  add(loaded.results);
  const setup = loaded.setup;
  if (setup) {
    const dataDir = checkDataDir(setup.config, now());
    add(dataDir.results);
    const ports = await checkPorts(setup.config, probes.identity ?? processIdentity(), dataDir.runningPid);
    add(ports.results);
    add(await checkDevices(setup.config, setup.catalog, dataDir.runningPid, ports.failed, probes.deviceTimeoutMs));
    add(await checkBroker(setup.config, setup.credentials, now()));
  }
  add([checkClock(probes.clock ?? systemClockProbe)]);
  add([checkNodeVersion(probes.nodeVersion ?? process.version, enginesRange(), now())]);
  return results;
}
