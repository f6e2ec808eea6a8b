/**
 * `fieldnode uninstall-service`: stops the node and takes its unit away. The data (the outbox
 * may hold readings not yet delivered), the user and the environment file stay.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FieldnodeError } from '../core/errors.js';
import { applyStep, describeStep, type HostStep } from './host.js';
import type { ServiceHost } from './install.js';
import { STATE_DIRECTORY } from './unit-file.js';

/** What the technician asked for. */
export interface UninstallOptions {
  readonly name: string;
  readonly dryRun: boolean;
  readonly unitDir: string;
}

/** Stop and disable, remove the unit, reload: the order that leaves systemd no dangling unit. */
export function planUninstall(options: UninstallOptions): HostStep[] {
  return [
    { kind: 'run', argv: ['systemctl', 'disable', '--now', options.name] },
    { kind: 'remove', path: join(options.unitDir, `${options.name}.service`) },
    { kind: 'run', argv: ['systemctl', 'daemon-reload'] },
  ];
}

/** Removes the service (or, in a dry run, prints how it would). */
export function uninstallService(options: UninstallOptions, host: Pick<ServiceHost, 'uid' | 'run' | 'say'>): void {
  const unitFile = join(options.unitDir, `${options.name}.service`);
  if (!existsSync(unitFile)) throw new FieldnodeError(`${unitFile} does not exist: no service named ${options.name} to uninstall (--name picks another)`, 'SERVICE');
  if (host.uid !== 0 && !options.dryRun) {
    throw new FieldnodeError(`uninstall-service stops a service and removes its unit, which needs root: sudo fieldnode uninstall-service --name ${options.name}`, 'SERVICE');
  }
  if (options.dryRun) host.say('dry run: nothing is removed and nothing is run; a real run would:');
  for (const step of planUninstall(options)) {
    if (options.dryRun) {
      host.say(describeStep(step));
      continue;
    }
    applyStep(step, host.run);
    host.say(describeStep(step).replace(/^run: /, 'ran: ').replace(/^remove /, 'removed '));
  }
  host.say(`kept: the node's data in ${STATE_DIRECTORY} (or the config's dataDir; its outbox may hold readings not yet delivered), its user and its environment file; remove them by hand if they are no longer wanted`);
}
