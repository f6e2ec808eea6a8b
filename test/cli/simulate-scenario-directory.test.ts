import { existsSync, lstatSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { hasSocat } from '../../simulators/index.js';
import { RunningCli } from '../support/cli.js';
import { waitUntil } from '../support/collector.js';
import { describeNeeding } from '../support/needs.js';

describeNeeding(hasSocat(), 'socat', 'socat is not installed (apt-get install socat)', 'fieldnode simulate --scenario --directory', () => {
  it('creates every pty of the scenario in the directory given, and removes them at Ctrl-C', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'fieldnode-scenario-dir-'));
    const running = new RunningCli(['simulate', '--scenario', 'street-corner', '--directory', directory]);
    try {
      await running.waitForStderr(/air: simulated sds011 on /, 20_000);
      expect(running.stderr).toContain(`weather: simulated weather-station on ${join(directory, 'ttyWEATHER')}`);
      expect(running.stderr).toContain(`air: simulated sds011 on ${join(directory, 'ttyAIR')}`);
      for (const name of ['ttyWEATHER', 'ttyAIR']) expect(lstatSync(join(directory, name)).isSymbolicLink()).toBe(true);
    } finally {
      await running.signal('SIGINT');
    }
    await waitUntil(() => !existsSync(join(directory, 'ttyAIR')) && !existsSync(join(directory, 'ttyWEATHER')), 10_000, () => 'the ptys to be removed');
  });
});
