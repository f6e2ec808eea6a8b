/**
 * A worker thread's share of a fleet: runs its nodes, posts a sample of their counts every
 * 200 ms, and stops them when the main thread asks, posting their totals.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createSimulation } from '../simulation.js';
import { LocalNodeGroup, type NodeGroupSpec } from './node-group.js';
import { sharedNtpProbe } from './shared-ntp-probe.js';
import { SAMPLE_EVERY_MS, type FromWorker, type ToWorker } from './worker-messages.js';

const port = parentPort;
if (!port) throw new Error('fleet-worker runs only as a worker thread');
const post = (message: FromWorker) => port.postMessage(message);

const group = new LocalNodeGroup(workerData as NodeGroupSpec, { catalog: createSimulation().catalog, ntpProbe: sharedNtpProbe() });
const sampling = setInterval(() => post({ type: 'sample', sample: group.sample() }), SAMPLE_EVERY_MS);
group.start().then(
  () => post({ type: 'started' }),
  (error: unknown) => post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
);

port.on('message', (message: ToWorker) => {
  if (message.type !== 'stop') return;
  clearInterval(sampling);
  group.stop().then(
    (totals) => {
      post({ type: 'sample', sample: group.sample() });
      post({ type: 'stopped', totals });
      port.close();
    },
    (error: unknown) => {
      post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
      port.close();
    },
  );
});
