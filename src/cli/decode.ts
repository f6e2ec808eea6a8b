import { createReadStream } from 'node:fs';
import { Option, type Command } from 'commander';
import type { FloatEncoding } from '../codec/index.js';
import { FieldnodeError } from '../core/errors.js';
import { failWith } from './exit.js';
import { endQuietlyWhenStdoutCloses } from './stdout.js';

/** `fieldnode decode [file]`: prints SenML-CBOR packs, from a file or a stream, as readable tables. */
export function registerDecode(program: Command): void {
  program
    .command('decode')
    .description('print SenML-CBOR packs (from a file or stdin, one after another as they arrive) as tables')
    .argument('[file]', 'file holding the packs; stdin when absent or -')
    .option('--hex', 'input is hexadecimal text, one pack per line (as mosquitto_sub -F %x prints); detected without it')
    .option('--json', 'print each pack\'s resolved records as one line of JSON instead of a table')
    .addOption(new Option('--floats <encoding>', 'how the packs write floats: exact (default) or compact, for packs of a node with encoding: { floats: compact }').choices(['exact', 'compact']).default('exact'))
    .action(async (file: string | undefined, options: { hex?: boolean; json?: boolean; floats: FloatEncoding }) => {
      try {
        endQuietlyWhenStdoutCloses();
        const { decodeStream } = await import('./decode-run.js');
        const fromFile = file !== undefined && file !== '-';
        const printer = await decodeStream(fromFile ? createReadStream(file) : process.stdin, fromFile ? file : 'stdin', { hex: options.hex ?? false, json: options.json ?? false, floats: options.floats });
        if (printer.packs + printer.failed === 0) throw new FieldnodeError('no SenML pack in the input', 'DECODE');
        if (printer.failed > 0) {
          process.stderr.write(`fieldnode: ${printer.failed} of ${printer.packs + printer.failed} packs could not be decoded\n`);
          // Let stdout drain rather than exit at once: the status says that not every pack was read.
          process.exitCode = 1;
        }
      } catch (error) {
        failWith(error instanceof FieldnodeError ? error : new FieldnodeError(`cannot decode: ${(error as Error).message}`, 'DECODE'));
      }
    });
}
