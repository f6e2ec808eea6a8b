// After tsc: the page's own files and uPlot go next to the compiled HTTP server, so the built
// package serves them with no internet and no lookup in node_modules at run time; and the
// build date is recorded.
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(root, 'src', 'http', 'assets');
const to = join(root, 'dist', 'src', 'http', 'assets');
const require = createRequire(import.meta.url);

mkdirSync(to, { recursive: true });
for (const file of readdirSync(from)) copyFileSync(join(from, file), join(to, file));
for (const file of ['uPlot.iife.min.js', 'uPlot.min.css']) copyFileSync(require.resolve(`uplot/dist/${file}`), join(to, file));

// The build date: no clock before it can be right (see src/time/build-date.ts, which reads this file).
writeFileSync(join(root, 'dist', 'src', 'build-info.json'), `${JSON.stringify({ builtAt: new Date().toISOString() })}\n`);
