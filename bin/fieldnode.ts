#!/usr/bin/env node
/**
 * The composition root of the `fieldnode` command: the runtime's catalog with the bundled
 * twins and simulated Pi registered, and the simulators' hosting for `simulate`. The only
 * place where the runtime and the simulators meet.
 */
import { runCli } from '../src/cli/main.js';
import { twinHosting } from '../simulators/hosting.js';
import { createSimulation } from '../simulators/simulation.js';

await runCli(process.argv, { catalog: createSimulation().catalog, twins: twinHosting });
