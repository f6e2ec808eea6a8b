import type { Command } from 'commander';
import type { YAMLMap } from 'yaml';
import type { LoadComposition } from './composition.js';
import { failWith } from './exit.js';

/** `fieldnode migrate <file>`: prints a config of the old form (top-level sensors) in the current one. */
export function registerMigrate(program: Command, load: LoadComposition): void {
  program
    .command('migrate')
    .description('print a config written with top-level sensors in the current form (one device per board, its sensors inside); comments are not kept')
    .argument('<file>', 'fieldnode.yaml to rewrite')
    .action(async (file: string) => {
      try {
        const [{ catalog }, { MAX_CONFIG_BYTES, readBounded }, { parseText }, { isOldForm, toCurrentForm }, { ConfigProblemList }, { escapeUnsafe }] = await Promise.all([
          load(),
          import('../config/bounded-read.js'),
          import('../config/document.js'),
          import('../config/old-form.js'),
          import('../config/problem-list.js'),
          import('../core/excerpt.js'),
        ]);
        const read = readBounded(file, MAX_CONFIG_BYTES);
        if (!read.ok) throw new ConfigProblemList([{ path: '', message: `cannot read ${escapeUnsafe(file)}: ${read.reason}` }], file);
        const parsed = parseText(read.data.toString('utf8'), ['node', 'broker', 'boards', 'sensors']);
        if ('fatal' in parsed) throw new ConfigProblemList([parsed.fatal], file);
        if (parsed.problems.length > 0) throw new ConfigProblemList(parsed.problems, file);
        if (!isOldForm(parsed.raw)) {
          process.stderr.write(`fieldnode: ${file} is already in the current form\n`);
          return;
        }
        process.stdout.write(await asYaml(toCurrentForm(parsed.raw, catalog)));
      } catch (error) {
        failWith(error);
      }
    });
}

/** YAML with each device and sensor on one line, as the shipped samples write them. */
async function asYaml(config: Record<string, unknown>): Promise<string> {
  const { Document, isMap, isSeq } = await import('yaml');
  const document = new Document(config);
  const boards = (document.contents as YAMLMap).get('boards');
  if (isSeq(boards)) {
    for (const board of boards.items) {
      if (!isMap(board)) continue;
      const device = board.get('device');
      if (isMap(device)) device.flow = true;
      const sensors = board.get('sensors');
      if (isSeq(sensors)) for (const sensor of sensors.items) if (isMap(sensor)) sensor.flow = true;
    }
  }
  return document.toString({ lineWidth: 0 });
}
