#!/usr/bin/env node
/**
 * The composition root of the `fieldnode` command: the runtime's catalog with the bundled
 * twins and simulated Pi registered, and the simulators' hosting for `simulate` and `fleet`.
 * The only place where the runtime and the simulators meet. Both are loaded when a verb needs
 * them, not at start: `--help` must be quick on a Pi Zero, validating or running a config loads
 * only the twins it names, and running one that names none loads no simulator code.
 */
import { runCli } from '../src/cli/main.js';

/** The refusal of a twin or simulated Pi in a reload of a node that was started without them. */
const SIMULATORS_LEFT_OUT = 'this node runs without simulated devices, as the config it was started with named none: restart it to run a twin or a simulated Pi';

await runCli(process.argv, async (forConfigFile, purpose = 'validate') => {
  const { loadBundledTwins, twinNamesInConfig, piSimulatorInConfig } = await import('../simulators/twin-loaders.js');
  if (forConfigFile !== undefined) {
    const [{ hardwareCatalog }, { readRawConfig }] = await Promise.all([import('../src/catalog/catalog.js'), import('../src/config/load.js')]);
    const raw = readRawConfig(forConfigFile);
    const names = twinNamesInConfig(raw);
    if (purpose === 'run') {
      // Real hardware only: none of the simulators' code (twins, mock ports, the simulated Pi) is loaded.
      if (names?.length === 0 && !piSimulatorInConfig(raw)) return { catalog: { ...hardwareCatalog, simulatorsLeftOut: SIMULATORS_LEFT_OUT } };
      const [{ simulationWith }, twins] = await Promise.all([import('../simulators/simulation-with.js'), loadBundledTwins(names)]);
      return { catalog: simulationWith(twins).catalog };
    }
    // Validation reads the twins' and the simulated Pi's option schemas, and runs nothing: the real links stay as they are.
    const [{ piSimulatorShape }, twins] = await Promise.all([import('../simulators/pi/options.js'), loadBundledTwins(names)]);
    return { catalog: { ...hardwareCatalog, twins, piSimulatorShape } };
  }
  const [{ simulationWith }, twins, { twinHosting }] = await Promise.all([import('../simulators/simulation-with.js'), loadBundledTwins(), import('../simulators/hosting.js')]);
  // The fleet's own code (many nodes, a consumer) only for `fleet`.
  const fleet = { run: async (...args: Parameters<typeof import('../simulators/fleet/fleet.js').fleetHosting.run>) => (await import('../simulators/fleet/fleet.js')).fleetHosting.run(...args) };
  return { catalog: simulationWith(twins).catalog, twins: twinHosting, fleet };
});
