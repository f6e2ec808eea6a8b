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
boards:
  - { id: well, port: /dev/ttyUSB0, device: { type: maxbotics }, sensors: [{ name: level }] }
  - { id: uno, port: /dev/ttyACM0, device: { type: pulse-counter }, sensors: [{ name: rain, pin: 2, field: totl }] }
`,
    );
    const result = await runCli(['validate', file]);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('  boards[0].device.type: expected one of "lines", ');
    expect(result.stderr).toContain('; got string "maxbotics"; did you mean "maxbotix"?\n');
    expect(result.stderr).toContain('  boards[1].sensors[0].field: expected one of "total", "count", "rate"; got string "totl"; did you mean "total"?\n');
  });
});
