/**
 * A share of a fleet in a worker thread, as the main thread sees it: the worker posts its
 * samples, this keeps the latest and adds up the connections made since the fleet's last look.
 */
import { Worker } from 'node:worker_threads';
import { FieldnodeError } from '../../src/index.js';
import { emptySample, type GroupSample, type GroupTotals, type NodeGroup, type NodeGroupSpec } from './node-group.js';
import type { FromWorker, ToWorker } from './worker-messages.js';

/** The worker's code, beside this file once built (dist/simulators/fleet/fleet-worker.js). */
const WORKER_SCRIPT = new URL('./fleet-worker.js', import.meta.url);

export class WorkerNodeGroup implements NodeGroup {
  private readonly worker: Worker;
  private latest: GroupSample = emptySample;
  private connectionsMade = 0;
  private readonly started: Promise<void>;
  private readonly stopped: Promise<GroupTotals>;
  private stopping = false;

  constructor(
    private readonly name: string,
    spec: NodeGroupSpec,
  ) {
    this.worker = new Worker(WORKER_SCRIPT, { workerData: spec });
    let settleStart: { resolve: () => void; reject: (error: Error) => void } | undefined;
    let settleStop: { resolve: (totals: GroupTotals) => void; reject: (error: Error) => void } | undefined;
    this.started = new Promise((resolve, reject) => (settleStart = { resolve, reject }));
    this.stopped = new Promise((resolve, reject) => (settleStop = { resolve, reject }));
    // Neither is awaited before start() and stop() are called: a failure must not go unhandled meanwhile.
    this.started.catch(() => undefined);
    this.stopped.catch(() => undefined);
    const fail = (message: string) => {
      const error = new FieldnodeError(`${this.name}: ${message}`, 'FLEET');
      settleStart?.reject(error);
      settleStop?.reject(error);
    };
    this.worker.on('message', (message: FromWorker) => {
      if (message.type === 'sample') {
        this.connectionsMade += message.sample.connectionsMade;
        this.latest = message.sample;
      } else if (message.type === 'started') settleStart?.resolve();
      else if (message.type === 'stopped') settleStop?.resolve(message.totals);
      else fail(message.message);
    });
    this.worker.on('error', (error) => fail(error.message));
    this.worker.on('exit', (code) => fail(this.stopping ? `ended (${code}) before it reported its totals` : `ended (${code}) while its nodes ran`));
  }

  start(): Promise<void> {
    return this.started;
  }

  sample(): GroupSample {
    const sample = { ...this.latest, connectionsMade: this.connectionsMade };
    this.connectionsMade = 0;
    return sample;
  }

  /** Asks the worker to stop its nodes and waits for its totals; a worker that failed counts nothing. */
  stop(): Promise<GroupTotals> {
    if (!this.stopping) {
      this.stopping = true;
      this.worker.postMessage({ type: 'stop' } satisfies ToWorker);
    }
    return this.stopped;
  }

  /** Ends the thread, whatever it is doing. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}
