import type { Command } from 'commander';
import { EXIT_USAGE, failWith } from './exit.js';

/** `fieldnode flash --board <id> --sketch <name> --port <path>`: avrdude through the board's bootloader. */
export function registerFlash(program: Command): void {
  program
    .command('flash')
    .description("flash a sketch into an Arduino through its bootloader with avrdude (Debian package avrdude), using the board profile's protocol and baud")
    .requiredOption('--board <id>', 'the board profile: arduino-uno, arduino-nano, arduino-mega')
    .requiredOption('--port <path>', 'the serial port the board is on (fieldnode ports lists them; /dev/serial/by-id/... survives replugging)')
    .option('--sketch <name>', 'a sketch of the board profile, as built by npm run build:firmware (dist/firmware/<sketch>/<board>.hex)')
    .option('--hex <file>', 'flash this .hex file instead of a built sketch')
    .option('--bootloader <name>', "the board's bootloader when its profile lists several (a Nano: optiboot, or atmegaboot on older boards and clones)")
    .option('--dry-run', 'print the avrdude command and do not run it')
    .action(async (options: { board: string; port: string; sketch?: string; hex?: string; bootloader?: string; dryRun?: boolean }) => {
      try {
        const [{ flashBoard, planFlash }, { FlashUsageError, formatCommand }] = await Promise.all([import('../flash/flash-board.js'), import('../flash/avrdude-command.js')]);
        const request = { board: options.board, port: options.port, sketch: options.sketch, hex: options.hex, bootloader: options.bootloader };
        try {
          if (options.dryRun) {
            const plan = planFlash(request);
            process.stdout.write(`${formatCommand(plan.command, plan.args)}\n`);
            return;
          }
          const result = await flashBoard({ ...request, progress: process.stderr });
          const written = result.bytesWritten === undefined ? '' : `${result.bytesWritten} bytes `;
          process.stderr.write(`fieldnode: flashed ${written}from ${result.hexPath} into the ${options.board} on ${options.port} in ${result.seconds.toFixed(1)} s\n`);
        } catch (error) {
          if (!(error instanceof FlashUsageError)) throw error;
          // A board, sketch or bootloader the profiles do not have is a mistyped command line (EX_USAGE).
          process.stderr.write(`fieldnode: ${error.message}\n`);
          process.exit(EXIT_USAGE);
        }
      } catch (error) {
        failWith(error);
      }
    });
}
