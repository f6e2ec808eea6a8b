/**
 * The README's "From a fresh Pi to a running node", run as written, in order: its commands
 * are read from the README, and each runs through the built command against a simulated Pi
 * (a fake sysfs and /dev tree whose CH340 is an SDS011 twin on a real pty) and a real broker.
 * Only what a test cannot do on a real Pi is added: the fake tree's roots, answers as flags
 * instead of a terminal, and a dry run instead of systemctl.
 */
import { readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { validateConfig } from '../../src/config/load.js';
import { hasSocat, startEmbeddedBroker, startTwin, type EmbeddedBroker, type PtyTwin } from '../../simulators/index.js';
import { RunningCli, runCli, type CliResult } from '../support/cli.js';
import { describeNeeding } from '../support/needs.js';
import { createFakeTree, type FakeTree } from '../ports/fake-tree.js';
import { simulatedCatalog } from '../support/simulated-node.js';

const CONFIG_IN_README = '/etc/fieldnode/fieldnode.yaml';

/** The section's commands, as a technician types them: `sudo` and comments dropped. */
function readmeCommands(): string[][] {
  const readme = readFileSync('README.md', 'utf8');
  const section = /<!-- fresh-pi:start -->([\s\S]*?)<!-- fresh-pi:end -->/.exec(readme)?.[1] ?? '';
  return section
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim().replace(/^sudo /, ''))
    .filter((line) => line.startsWith('fieldnode '))
    .map((line) => line.split(/\s+/).slice(1));
}

describeNeeding(hasSocat(), 'socat', 'socat is not installed (apt-get install socat)', 'from a fresh Pi to a running node, as the README says', () => {
  let tree: FakeTree | undefined;
  let twin: PtyTwin | undefined;
  let broker: EmbeddedBroker | undefined;
  const running: RunningCli[] = [];
  afterAll(async () => {
    for (const process of running) await process.signal('SIGINT');
    await twin?.stop();
    await broker?.close();
    tree?.remove();
  });

  it('runs ports, init, doctor, run --once, install-service and tail in that order', async () => {
    const commands = readmeCommands();
    expect(commands.map((args) => args[0])).toEqual(['ports', 'init', 'doctor', 'run', 'install-service', 'tail']);
    tree = createFakeTree();
    // The Uno clone's CH340 carries an SDS011 here: its device node is the twin's pty.
    twin = await startTwin('sds011', { pty: join(tree.root, 'ttyUSB0-pty'), options: { seed: 5 } });
    rmSync(join(tree.devRoot, 'ttyUSB0'));
    symlinkSync(twin.path, join(tree.devRoot, 'ttyUSB0'));
    broker = await startEmbeddedBroker();
    const config = join(tree.root, 'fieldnode.yaml');
    const env = { FIELDNODE_BROKER_PASSWORD: 'pole-7-secret', NO_COLOR: '1' };
    const roots = ['--sys-root', tree.sysRoot, '--dev-root', tree.devRoot];
    const byId = join(tree.devRoot, 'serial/by-id/usb-1a86_USB2.0-Serial-if00-port0');
    /** What a test adds to each verb, and what it expects of it. */
    const steps: Record<string, { extra: string[]; check: (result: CliResult) => void }> = {
      ports: { extra: roots, check: (result) => expect(result.stdout).toContain(byId) },
      init: {
        extra: [...roots, '--node-id', 'pole-7', '--site', 'river', '--broker', broker.url, '--password-env', 'FIELDNODE_BROKER_PASSWORD', '--board', `id=air,port=${join(tree.devRoot, 'ttyUSB0')},device=sds011`, '--data-dir', join(tree.root, 'data'), '--yes'],
        check: (result) => {
          expect(result.stdout + result.stderr).toContain(`wrote ${config}`);
          const written = validateConfig(parseYaml(readFileSync(config, 'utf8')), config, simulatedCatalog);
          expect(written.boards[0]).toMatchObject({ id: 'air', port: byId, device: { type: 'sds011' } });
        },
      },
      doctor: { extra: [], check: (result) => expect(result.stdout).toMatch(/^pass {2}device sds011 \(air\): pm2_5 [\d.]+ ug\/m3, pm10 [\d.]+ ug\/m3$/m) },
      run: { extra: [], check: (result) => expect(result.stdout).toMatch(/^air\s+pm10\s+[\d.]+\s+ug\/m3/m) },
      'install-service': {
        extra: ['--dry-run', '--unit-dir', join(tree.root, 'units'), '--env-dir', join(tree.root, 'etc')],
        check: (result) => expect(result.stdout).toContain('WatchdogSec=30'),
      },
    };
    for (const args of commands) {
      const verb = args[0]!;
      const withConfig = args.map((arg) => (arg === CONFIG_IN_README ? config : arg));
      if (verb === 'tail') {
        // The service's part, which a dry run does not start: the node itself.
        const node = new RunningCli(['run', config], env);
        running.push(node);
        const tail = new RunningCli(withConfig, env);
        running.push(tail);
        await tail.waitForStdout((lines) => lines.some((line) => /river\/pole-7\/air\s+pm2_5\s+[\d.]+ ug\/m3/.test(line)), 20_000);
        continue;
      }
      const step = steps[verb]!;
      const result = await runCli([...withConfig, ...step.extra], { env });
      expect(result.code, `fieldnode ${withConfig.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
      step.check(result);
    }
  });
});
