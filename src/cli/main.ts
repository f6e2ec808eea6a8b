#!/usr/bin/env node
/** The `fieldnode` command: one file per verb, registered here. */
import { Command } from 'commander';
import { registerDecode } from './decode.js';
import { packageVersion } from './package-root.js';
import { registerRun } from './run.js';
import { registerSchema } from './schema.js';
import { registerSimulate } from './simulate.js';
import { registerValidate } from './validate.js';

const program = new Command('fieldnode')
  .description('sensor-gateway runtime: serial sensors to SenML-CBOR over MQTT, with simulated devices')
  .version(packageVersion());

registerRun(program);
registerValidate(program);
registerSimulate(program);
registerDecode(program);
registerSchema(program);

await program.parseAsync(process.argv);
