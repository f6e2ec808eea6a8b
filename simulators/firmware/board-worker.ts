/**
 * A board's worker thread: runs the emulated board in step with the wall clock and passes
 * its serial bytes and sensor observations to the owner (board-run.ts), which sends it the
 * bytes the host writes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { systemClock } from '../../src/index.js';
import { pacedBoard, type BoardRunSpec, type FromWorker, type ToWorker } from './board-run.js';

const port = parentPort;
if (!port) throw new Error('board-worker runs as a worker thread');
const post = (message: FromWorker) => port.postMessage(message);
const paced = pacedBoard(workerData as BoardRunSpec, { serial: (data) => post({ kind: 'serial', data }), observation: (observation) => post({ kind: 'observation', observation }) }, systemClock);
port.on('message', (message: ToWorker) => paced.machine.receiveSerial(message.data));
paced.start();
