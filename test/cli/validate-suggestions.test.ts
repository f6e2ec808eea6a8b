import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('fieldnode validate', () => {
  it('shows what it got and the nearest valid name, with the path, and exits 78', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fieldnode-validate-')), 'node.yaml');
    writeFileSync(
      file,
      `node: { id: n, site: s }
broker: { url: "mqtt://broker:1883" }
boards: [{ id: uno, transport: firmata, port: /dev/ttyACM0 }]
sensors:
  - { name: level, board: uno, driver: { type: maxbotics } }
  - { name: rain, board: uno, driver: { type: pulse-counter, pin: 2, field: totl } }
`,
    );
    const result = await runCli(['validate', file]);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('  sensors[0].driver.type: expected one of "lines", ');
    expect(result.stderr).toContain('; got string "maxbotics"; did you mean "maxbotix"?\n');
    expect(result.stderr).toContain('  sensors[1].driver.field: expected one of "total", "count", "rate"; got string "totl"; did you mean "total"?\n');
  });
});
