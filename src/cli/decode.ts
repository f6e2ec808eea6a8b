import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { decodePack, type ResolvedRecord } from '../codec/index.js';
import { FieldnodeError } from '../core/errors.js';
import { failWith } from './exit.js';

/** Renders resolved records as an aligned table: time, name, value, unit. */
export function formatRecordTable(records: readonly ResolvedRecord[]): string {
  const rows = records.map((record) => [
    new Date(record.time * 1000).toISOString(),
    record.name,
    record.value instanceof Uint8Array ? `<${record.value.length} bytes>` : String(record.value ?? ''),
    record.unit ?? '',
    record.sum === undefined ? '' : String(record.sum),
  ]);
  const header = ['time', 'name', 'value', 'unit', 'sum'];
  const showSum = records.some((record) => record.sum !== undefined);
  const table = [header, ...rows].map((row) => (showSum ? row : row.slice(0, 4)));
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  return table.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

function readInput(file: string | undefined, hex: boolean): Buffer {
  const raw = file && file !== '-' ? readFileSync(file) : readFileSync(0);
  if (!hex) return raw;
  const digits = raw.toString('latin1').replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) throw new FieldnodeError('input is not hexadecimal bytes', 'DECODE');
  return Buffer.from(digits, 'hex');
}

/** `fieldnode decode [file]`: prints a SenML-CBOR pack as a readable table. */
export function registerDecode(program: Command): void {
  program
    .command('decode')
    .description('print a SenML-CBOR pack (from a file or stdin) as a table')
    .argument('[file]', 'file holding the pack; stdin when absent or -')
    .option('--hex', 'input is hexadecimal text rather than raw bytes')
    .option('--json', 'print the resolved records as JSON instead of a table')
    .action((file: string | undefined, options: { hex?: boolean; json?: boolean }) => {
      try {
        const records = decodePack(readInput(file, options.hex ?? false));
        process.stdout.write(`${options.json ? JSON.stringify(records, null, 2) : formatRecordTable(records)}\n`);
      } catch (error) {
        failWith(error instanceof FieldnodeError ? error : new FieldnodeError(`cannot decode: ${(error as Error).message}`, 'DECODE'));
      }
    });
}
