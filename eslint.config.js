// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Libraries that do I/O or wrap hardware. Only the adapter files below may import them, so
 * the domain, drivers and pipeline stay pure and testable (DESIGN.md, principle 6).
 */
const ioLibraries = ['serialport', 'johnny-five', 'firmata', 'firmata-io', 'mqtt', 'cbor-x', 'aedes', 'better-sqlite3', 'i2c-bus', 'node-libgpiod', 'prom-client'];

const adapterOnly = 'Only adapter files (listed in eslint.config.js) may import I/O libraries; use the interface they implement.';

/** The adapter files: each wraps one library behind an interface of ours. */
const adapterFiles = [
  'src/transports/serial.ts',
  'src/transports/line-framing.ts',
  'src/codec/cbor.ts',
  'src/uplink/mqtt-uplink.ts',
  'src/uplink/subscriber.ts',
  'src/uplink/load-mqtt.ts',
  'src/uplink/mqtt-stream.ts',
  'src/consumer/sqlite-seen-store.ts',
  'src/uplink/embedded-broker.ts',
  'src/outbox/sqlite-outbox.ts',
  'src/outbox/data-dir-lock.ts',
  'src/outbox/load-sqlite.ts',
  'src/doctor/outbox-inspect.ts',
  'src/http/metrics.ts',
  'src/transports/firmata.ts',
  'src/transports/pi/i2c-dev.ts',
  'src/transports/pi/gpio-chardev.ts',
  'src/transports/johnny-five.ts',
  'simulators/transports/*.ts',
];

/** The runtime never reaches into the simulators: twins come in through the catalog its composition root builds. */
const noSimulators = {
  group: ['**/simulators', '**/simulators/**'],
  message: 'The runtime does not import the simulators: register twins and simulated links in the catalog at the composition root (bin/).',
};

/** The simulators are written as another package would be: they see the runtime only through its public entry. */
const publicRuntimeOnly = {
  group: ['**/src/**', '!**/src/index.js'],
  message: "Simulators import the runtime only through its public entry (src/index.ts), as a plugin package would import 'fieldnode'.",
};

const ioLibraryPaths = ioLibraries.map((name) => ({ name, message: adapterOnly }));
const ioLibraryPatterns = [{ group: ['@serialport/*'], message: adapterOnly }];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'types/**', 'schema/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  // Exact package names: a pattern would also match our own folders of the same name.
  { files: ['src/**/*.ts'], rules: { 'no-restricted-imports': ['error', { paths: ioLibraryPaths, patterns: [...ioLibraryPatterns, noSimulators] }] } },
  { files: adapterFiles.filter((file) => file.startsWith('src/')), rules: { 'no-restricted-imports': ['error', { patterns: [noSimulators] }] } },
  { files: ['simulators/**/*.ts'], rules: { 'no-restricted-imports': ['error', { paths: ioLibraryPaths, patterns: [...ioLibraryPatterns, publicRuntimeOnly] }] } },
  { files: adapterFiles.filter((file) => file.startsWith('simulators/')), rules: { 'no-restricted-imports': ['error', { patterns: [publicRuntimeOnly] }] } },
);
