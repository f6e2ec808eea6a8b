/**
 * A device that writes one weather-station line at a time, each when it is due, as a sensor
 * behind a UART does (the worst case for a reader: no two lines arrive together). With
 * `stamp`, each line also carries `w=`, the wall time it was written (epoch seconds), so a
 * subscriber can tell the latency of every reading. Says "writing" when it starts.
 * Usage: node line-pacer.js <pty path> <lines per second> <seconds> [stamp]
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { VirtualClock } from '../src/core/clock.js';
import { WeatherStation } from '../simulators/devices/weather-station.js';

const [path, rate = '1000', seconds = '10', stamp] = process.argv.slice(2);
if (!path) throw new Error('usage: line-pacer <pty path> <lines per second> <seconds> [stamp]');
const perSecond = Number(rate);
const total = Math.round(perSecond * Number(seconds));

const start = Date.UTC(2026, 6, 1);
const station = new WeatherStation({ seed: 3, intervalMs: 10, format: 'kv' }, { write: () => true }, new VirtualClock(start));
const lines = Array.from({ length: Math.min(total, 20_000) }, (_, index) => station.lineAt(start + index * 10).line.trimEnd());

const fd = openSync(path, 'r+');
process.stdout.write('writing\n');
const began = performance.now();
let sent = 0;
function writeDue(): void {
  const due = Math.min(total, Math.floor(((performance.now() - began) / 1000) * perSecond));
  for (; sent < due; sent++) {
    const line = lines[sent % lines.length]!;
    try {
      writeSync(fd, stamp ? `${line},w=${((performance.timeOrigin + performance.now()) / 1000).toFixed(4)}\n` : `${line}\n`);
    } catch (error) {
      // EIO: the pty's other side is gone, the run is over.
      if ((error as NodeJS.ErrnoException).code !== 'EIO') throw error;
      process.stdout.write('stopped: the reader closed the pty\n');
      return;
    }
  }
  if (sent >= total) {
    closeSync(fd);
    process.stdout.write('done\n');
    return;
  }
  // Lines at 1,000 a second are 1 ms apart: one timer turn each.
  setTimeout(writeDue, Math.max(1, Math.min(50, 1000 / perSecond)));
}
writeDue();
