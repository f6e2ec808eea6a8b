/**
 * Digital inputs on a Raspberry Pi's header (a PIR, a door contact, a bouncing button) read
 * through johnny-five on the GPIO IO plugin, on a simulated Pi, through the whole runtime to
 * a real broker: every settled change the devices made is published, once, in order.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import { Collector, waitUntil } from '../support/collector.js';
import { simulatedNode, validateSimulated } from '../support/simulated-node.js';

let broker: EmbeddedBroker;
beforeAll(async () => {
  broker = await startEmbeddedBroker();
});
afterAll(() => broker.close());

const LINES = { motion: 17, button: 22, door: 27 } as const;

it('publishes every settled change of a PIR, a button and a door contact on the header', async () => {
  const collector = await Collector.connect(broker.url, 'fieldnode/lab/pi-gpio/pi/data', 4);
  const node = simulatedNode(
    validateSimulated({
      dataDir: mkdtempSync(join(tmpdir(), 'fieldnode-pi-gpio-')),
      node: { id: 'pi-gpio', site: 'lab' },
      broker: { url: broker.url, protocol: '3.1.1' },
      batching: { maxReadings: 5, maxDelayMs: 50 },
      boards: [
        {
          id: 'pi',
          gpio: { pollIntervalMs: 2 },
          // Activations last 120 ms (a press) to 800 ms: inputs are sampled, so a whole activation
          // inside one stall of a loaded machine's event loop would go unseen, as on a real Pi.
          piSimulator: {
            seed: 9,
            model: 'pi5',
            gpio: [
              { line: LINES.motion, device: 'pir', meanIntervalMs: 800 },
              { line: LINES.button, device: 'button', meanIntervalMs: 800 },
              { line: LINES.door, device: 'door', meanIntervalMs: 800 },
            ],
          },
          device: { type: 'digital' },
          sensors: [
            // An HC-SR501 drives its output: no pull-up, high means motion.
            { name: 'motion', pin: LINES.motion, pullup: false, activeLow: false, debounceMs: 0 },
            { name: 'button', pin: LINES.button, debounceMs: 30 },
            // A reed contact closed while the door is shut: the pull-up reads high when it opens.
            { name: 'door', pin: LINES.door, activeLow: false, debounceMs: 30 },
            // Not on the header: counted, and the other inputs run on.
            { name: 'nowhere', pin: 30 },
          ],
        },
      ],
    }),
  );
  await node.start();
  const chip = node.simulatedPi('pi')!.gpio();
  const settled = (line: number) => chip.events.filter((event) => event.line === line).length;
  await waitUntil(() => Object.values(LINES).every((line) => settled(line) >= 3), 20_000, () => `changes so far: ${JSON.stringify(Object.values(LINES).map(settled))}`);
  chip.stop();
  // Past the longest debounce, so the last change is reported before the node stops.
  await new Promise((resolve) => setTimeout(resolve, 150));
  await node.stop();
  const published = (name: string) => collector.records.filter((record) => record.name === `pi-gpio/pi/${name}`).map((record) => record.value);
  await waitUntil(() => Object.keys(LINES).every((name) => published(name).length === settled(LINES[name as keyof typeof LINES]) + 1), 5000, () =>
    JSON.stringify(Object.keys(LINES).map((name) => [name, published(name), chip.events.filter((event) => event.line === LINES[name as keyof typeof LINES]).map((event) => event.active)])),
  );
  await collector.close();
  for (const [name, line] of Object.entries(LINES)) {
    const truth = chip.events.filter((event) => event.line === line).map((event) => event.active);
    // The state when the board opened (idle), then each change: none lost, none from the chatter.
    expect(published(name), name).toEqual([false, ...truth]);
  }
  expect(node.stats().boards['pi']!.problems).toEqual({ 'bad-pin': 1 });
});

it("keeps a node running when a header board's GPIO will not open, and says why its pin drivers are idle", async () => {
  const collector = await Collector.connect(broker.url, 'fieldnode/lab/pi-nogpio/+/data', 4);
  const node = simulatedNode(
    validateSimulated({
      dataDir: mkdtempSync(join(tmpdir(), 'fieldnode-pi-nogpio-')),
      node: { id: 'pi-nogpio', site: 'lab' },
      broker: { url: broker.url, protocol: '3.1.1' },
      batching: { maxReadings: 1, maxDelayMs: 50 },
      boards: [
        {
          id: 'pi',
          gpio: { chip: 'pinctrl-bcm2712' },
          piSimulator: { seed: 2, gpio: [{ line: 17, device: 'pir' }] },
          device: { type: 'digital' },
          sensors: [{ name: 'motion', pin: 17, pullup: false, activeLow: false }],
        },
        { id: 'health', piSimulator: { seed: 2 }, device: { type: 'gateway-health', intervalMs: 1000 }, sensors: [{ name: 'cpu', unit: 'Cel', field: 'cpu_temperature' }] },
      ],
    }),
  );
  await node.start();
  await collector.waitForRecords(1, 10_000);
  await node.stop();
  await collector.close();
  expect(collector.records.map((record) => record.name)).toContain('pi-nogpio/health/cpu');
  expect(collector.records.map((record) => record.name)).not.toContain('pi-nogpio/pi/motion');
  expect(node.stats().boards['pi']!.problems).toEqual({ 'no-pins': 1 });
});
