#!/usr/bin/env node
/**
 * The composition root of the `fieldnode` command: the runtime's catalog with the bundled
 * twins and simulated Pi registered, and the simulators' hosting for `simulate` and `fleet`.
 * The only place where the runtime and the simulators meet. Both are loaded when a verb needs
 * them, not at start: `--help` must be quick on a Pi Zero, and validating a config loads only
 * the twins it names.
 */
import { runCli } from '../src/cli/main.js';

await runCli(process.argv, async (forConfigFile) => {
  const { loadBundledTwins, twinNamesInConfig } = await import('../simulators/twin-loaders.js');
  if (forConfigFile !== undefined) {
    // Validation reads the twins' and the simulated Pi's option schemas, and runs nothing: the real links stay as they are.
    const [{ hardwareCatalog }, { piSimulatorShape }, { readRawConfig }] = await Promise.all([import('../src/catalog/catalog.js'), import('../simulators/pi/options.js'), import('../src/config/load.js')]);
    const twins = await loadBundledTwins(twinNamesInConfig(readRawConfig(forConfigFile)));
    return { catalog: { ...hardwareCatalog, twins, piSimulatorShape } };
  }
  const [{ simulationWith }, twins, { twinHosting }] = await Promise.all([import('../simulators/simulation-with.js'), loadBundledTwins(), import('../simulators/hosting.js')]);
  // The fleet's own code (many nodes, a consumer) only for `fleet`.
  const fleet = { run: async (...args: Parameters<typeof import('../simulators/fleet/fleet.js').fleetHosting.run>) => (await import('../simulators/fleet/fleet.js')).fleetHosting.run(...args) };
  return { catalog: simulationWith(twins).catalog, twins: twinHosting, fleet };
});
