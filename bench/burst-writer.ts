/**
 * The benchmark's device: renders `lines` weather-station lines up front, says "writing",
 * then writes them to the pty, as fast as the reader drains it (blocking writes) or paced at
 * `linesPerSecond`. Usage: node burst-writer.js <pty path> <lines> <seed> [linesPerSecond]
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { VirtualClock } from '../src/core/clock.js';
import { WeatherStation } from '../simulators/devices/weather-station.js';

const [path, lineCount = '100000', seed = '1', pace] = process.argv.slice(2);
if (!path) throw new Error('usage: burst-writer <pty path> <lines> <seed> [linesPerSecond]');

const start = Date.UTC(2026, 6, 1);
const station = new WeatherStation({ seed: Number(seed), intervalMs: 10, format: 'kv' }, { write: () => true }, new VirtualClock(start));
const lines: Buffer[] = [];
for (let index = 0; index < Number(lineCount); index++) lines.push(Buffer.from(station.lineAt(start + index * 10).line));

const fd = openSync(path, 'r+');
process.stdout.write('writing\n');

function writeAll(bytes: Buffer): void {
  for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, Math.min(4096, bytes.length - offset));
}

if (pace === undefined) {
  writeAll(Buffer.concat(lines));
  closeSync(fd);
  process.stdout.write('done\n');
} else {
  // Paced: every 10 ms, the lines due by then, so the rate holds whatever the timer jitter.
  const perSecond = Number(pace);
  const began = performance.now();
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.min(lines.length, Math.floor(((performance.now() - began) / 1000) * perSecond));
    if (due > sent) writeAll(Buffer.concat(lines.slice(sent, due)));
    sent = due;
    if (sent >= lines.length) {
      clearInterval(timer);
      closeSync(fd);
      process.stdout.write('done\n');
    }
  }, 10);
}
