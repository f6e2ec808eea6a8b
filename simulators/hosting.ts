/** The simulators' side of `fieldnode simulate`: twins on ptys or stdout, and scenarios. */
import type { TwinHosting } from '../src/index.js';
import { createDevice, hostOnPty, streamLink } from './host.js';
import { loadScenario, reRootScenario, runScenario } from './scenario.js';

export const twinHosting: TwinHosting = {
  async onPty(twin, rawOptions, hostPath) {
    const hosted = await hostOnPty(twin, rawOptions, { hostPath });
    return { path: hosted.pty.hostPath, stop: () => hosted.stop() };
  },
  onStream(twin, rawOptions, stream) {
    const device = createDevice(twin, rawOptions, streamLink(stream));
    device.start();
    return { stop: async () => device.stop() };
  },
  async runScenario(file, say, directory) {
    const loaded = loadScenario(file);
    const scenario = directory === undefined ? loaded : reRootScenario(loaded, directory);
    say(`scenario "${scenario.name}"`);
    const running = await runScenario(scenario, say);
    return { name: scenario.name, finished: running.finished, stop: () => running.stop() };
  },
};
