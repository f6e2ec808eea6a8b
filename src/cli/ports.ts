import { Option, type Command } from 'commander';
import { failWith } from './exit.js';

/** `fieldnode ports [--json]`: what is plugged in, what it is, and whether this user may open it. */
export function registerPorts(program: Command): void {
  program
    .command('ports')
    .description('list serial ports: device and /dev/serial/by-id path, USB ids, the board or chip, and whether this user may open it')
    .option('--json', 'print a JSON array of ports (path, byId, byPath, vendorId, productId, serialNumber, manufacturer, product, driver, identifiedAs, access, source)')
    // Another tree laid out as /sys and /dev (a copy from a gateway, a test fixture).
    .addOption(new Option('--sys-root <dir>', 'read sysfs here instead of /sys').hideHelp())
    .addOption(new Option('--dev-root <dir>', 'read device nodes here instead of /dev').hideHelp())
    .addOption(new Option('--no-udevadm', 'read sysfs only, even when udevadm is installed').hideHelp())
    .action(async (flags: { json?: boolean; sysRoot?: string; devRoot?: string; udevadm: boolean }) => {
      try {
        const [{ discoverPorts }, { formatPorts, NO_PORTS_ADVICE }] = await Promise.all([import('../ports/discover.js'), import('../ports/format.js')]);
        const { ports, notes } = await discoverPorts({ sysRoot: flags.sysRoot, devRoot: flags.devRoot, useUdevadm: flags.udevadm ? undefined : false });
        for (const note of notes) process.stderr.write(`fieldnode: note: ${note}\n`);
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(ports, null, 2)}\n`);
          if (ports.length === 0) process.stderr.write(`fieldnode: ${NO_PORTS_ADVICE}\n`);
        } else process.stdout.write(`${ports.length > 0 ? formatPorts(ports) : NO_PORTS_ADVICE}\n`);
      } catch (error) {
        failWith(error);
      }
    });
}
