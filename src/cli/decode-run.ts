/** What `fieldnode decode` does, loaded only when it runs: the SenML-CBOR decoder and its printers. */
import type { Readable } from 'node:stream';
import { decodePack, resolveRecords, SenmlCborSequence, type FloatEncoding, type ResolvedRecord, type SequenceItem } from '../codec/index.js';
import { FieldnodeError } from '../core/errors.js';

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

/** Where a pack was found, for the report of one that could not be read. */
type Position = { readonly line: number } | { readonly byte: number };

/** Prints packs as they are read, reports the bad ones, and counts both. */
class PackPrinter {
  packs = 0;
  failed = 0;

  constructor(private readonly json: boolean) {}

  pack(read: () => ResolvedRecord[], position: Position): void {
    const number = this.packs + this.failed + 1;
    let records: ResolvedRecord[];
    try {
      records = read();
    } catch (error) {
      this.failed++;
      const where = 'line' in position ? `line ${position.line}` : `byte ${position.byte}`;
      process.stderr.write(`fieldnode: cannot decode pack ${number} (${where}): ${(error as Error).message}\n`);
      return;
    }
    // One JSON document per line (JSON Lines), so a stream stays parseable pack by pack.
    const text = this.json ? JSON.stringify(records) : formatRecordTable(records);
    process.stdout.write(`${this.packs > 0 && !this.json ? '\n' : ''}${text}\n`);
    this.packs++;
  }
}

/**
 * Hex text as `mosquitto_sub -F %x` prints it: one payload per line, hex digits (spaces
 * between them are allowed). Each line is one pack, so a bad one costs only itself.
 */
class HexLines {
  private partial = '';
  private line = 0;

  constructor(
    private readonly printer: PackPrinter,
    private readonly floats: FloatEncoding,
  ) {}

  push(chunk: Buffer): void {
    const lines = (this.partial + chunk.toString('latin1')).split('\n');
    this.partial = lines.pop()!;
    for (const line of lines) this.decodeLine(line);
  }

  end(): void {
    if (this.partial !== '') this.decodeLine(this.partial);
    this.partial = '';
  }

  private decodeLine(text: string): void {
    this.line++;
    const digits = text.replace(/\s+/g, '');
    if (digits === '') return;
    this.printer.pack(() => {
      if (!/^([0-9a-fA-F]{2})+$/.test(digits)) throw new FieldnodeError('not hexadecimal bytes', 'DECODE');
      return decodePack(Buffer.from(digits, 'hex'), { floats: this.floats });
    }, { line: this.line });
  }
}

/** A raw CBOR sequence: packs back to back, as `mosquitto_sub` prints payloads without a format. */
class RawPacks {
  private readonly sequence: SenmlCborSequence;

  constructor(
    private readonly printer: PackPrinter,
    floats: FloatEncoding,
  ) {
    this.sequence = new SenmlCborSequence({ floats });
  }

  push(chunk: Buffer): void {
    this.print(this.sequence.push(chunk));
  }

  end(): void {
    this.print(this.sequence.end());
  }

  private print(items: SequenceItem[]): void {
    for (const item of items) {
      this.printer.pack(() => {
        if ('error' in item) throw item.error;
        return resolveRecords(item.records);
      }, { byte: item.offset });
    }
  }
}

/** A raw SenML-CBOR pack begins with a CBOR array byte (0x80-0x9f), never with an ASCII hex digit or space. */
const looksLikeHex = (byte: number) => /[0-9a-fA-F\s]/.test(String.fromCharCode(byte));

/** Decodes packs from `input` as they arrive; resolves with the printer's counts. */
export function decodeStream(input: Readable, source: string, options: { hex: boolean; json: boolean; floats: FloatEncoding }): Promise<PackPrinter> {
  const printer = new PackPrinter(options.json);
  let reader: HexLines | RawPacks | undefined;
  return new Promise((resolve, reject) => {
    input.on('data', (chunk: Buffer) => {
      if (chunk.length === 0) return;
      reader ??= options.hex || looksLikeHex(chunk[0]!) ? new HexLines(printer, options.floats) : new RawPacks(printer, options.floats);
      reader.push(chunk);
    });
    input.on('end', () => {
      reader?.end();
      resolve(printer);
    });
    input.on('error', (error: NodeJS.ErrnoException) => reject(new FieldnodeError(`cannot read ${source}: ${error.code ?? error.message}`, 'DECODE', { cause: error })));
  });
}
