/**
 * The sensors a driver's README shows in its sample configs: the natural name and unit of
 * a field, a key or a pin, where the schema's descriptions do not say. READMEs ship with
 * the package (package.json `files`); a plugin's driver simply has none here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { packageRoot } from '../package-root.js';

/** A sensor entry as a README sample writes it. */
export type SampleSensor = Readonly<Record<string, unknown>> & { readonly name?: unknown; readonly unit?: unknown };

/** Every sensor of every sample config in `src/drivers/<type>/README.md` whose device is of that type. */
export function readmeSampleSensors(type: string, root = packageRoot()): SampleSensor[] {
  let text: string;
  try {
    text = readFileSync(join(root, 'src', 'drivers', type, 'README.md'), 'utf8');
  } catch {
    return [];
  }
  const sensors: SampleSensor[] = [];
  for (const match of text.matchAll(/```yaml\n([\s\S]*?)```/g)) {
    for (const document of parseAllDocuments(match[1] ?? '')) {
      if (!('toJS' in document)) continue;
      const boards = (document.toJS() as { boards?: unknown } | null)?.boards;
      if (!Array.isArray(boards)) continue;
      for (const board of boards as { device?: { type?: unknown }; sensors?: unknown }[]) {
        if (board?.device?.type === type && Array.isArray(board.sensors)) sensors.push(...(board.sensors as SampleSensor[]).filter((sensor) => typeof sensor === 'object' && sensor !== null));
      }
    }
  }
  return sensors;
}
