/**
 * The benchmark's device: renders `lines` weather-station lines up front, says "writing",
 * then writes them to the pty as fast as the reader drains it (blocking writes).
 * Usage: node burst-writer.js <pty path> <lines> <seed>
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { VirtualClock } from '../src/core/clock.js';
import { WeatherStation } from '../simulators/devices/weather-station.js';

const [path, lineCount = '100000', seed = '1'] = process.argv.slice(2);
if (!path) throw new Error('usage: burst-writer <pty path> <lines> <seed>');

const start = Date.UTC(2026, 6, 1);
const station = new WeatherStation({ seed: Number(seed), intervalMs: 10, format: 'kv' }, { write: () => true }, new VirtualClock(start));
const lines: string[] = [];
for (let index = 0; index < Number(lineCount); index++) lines.push(station.lineAt(start + index * 10).line);
const bytes = Buffer.from(lines.join(''));

const fd = openSync(path, 'r+');
process.stdout.write('writing\n');
const CHUNK = 4096;
for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, Math.min(CHUNK, bytes.length - offset));
closeSync(fd);
process.stdout.write(`done ${bytes.length}\n`);
