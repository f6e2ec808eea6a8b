/**
 * Node-RED as a peer in the steady-state bench: the flow a Node-RED user builds for the same
 * job (serial in, split on newlines → a function node with the naive script's key=value parse
 * → mqtt out, QoS 1, MQTT 5), run by Node-RED itself from the npm registry, so that fieldnode's
 * cost is compared with the tool our users know, in the same run. Node-RED is installed on
 * first use into a cache outside the project (BENCH_CACHE, default ~/.cache/fieldnode-bench);
 * BENCH_NODE_RED=off leaves it out.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The newest Node-RED that runs on Node.js 20 as well as 24 (5.x needs 22.9), and its serial nodes. */
const NODE_RED_VERSION = '4.1.15';
const SERIAL_NODES_VERSION = '2.0.3';

/** A Node-RED ready to run flows, or why there is none. */
export type NodeRedPeer = { readonly redJs: string } | { readonly unavailable: string };

/** Installs Node-RED into the cache when it is not there yet; says why when it cannot. */
export function prepareNodeRed(say: (text: string) => void): NodeRedPeer {
  if (process.env['BENCH_NODE_RED'] === 'off') return { unavailable: 'BENCH_NODE_RED=off' };
  const dir = join(process.env['BENCH_CACHE'] ?? join(homedir(), '.cache', 'fieldnode-bench'), `node-red-${NODE_RED_VERSION}`);
  const redJs = join(dir, 'node_modules', 'node-red', 'red.js');
  if (existsSync(redJs) && existsSync(join(dir, 'node_modules', 'node-red-node-serialport'))) return { redJs };
  say(`installing Node-RED ${NODE_RED_VERSION} and node-red-node-serialport ${SERIAL_NODES_VERSION} into ${dir} (once)`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fieldnode-bench-node-red', private: true }));
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `node-red@${NODE_RED_VERSION}`, `node-red-node-serialport@${SERIAL_NODES_VERSION}`], { cwd: dir, encoding: 'utf8' });
  if (install.status !== 0 || !existsSync(redJs)) return { unavailable: `npm could not install Node-RED (${(install.stderr || install.error?.message || `exit ${install.status}`).trim().split('\n').at(-1)})` };
  return { redJs };
}

/** The topic on which the flow's broker connection announces itself (its birth message): the flow is up. */
export const nodeRedReadyTopic = (topic: string) => `${topic}/ready`;

/**
 * Writes the flow and its settings into `userDir` and returns the command that runs it: lines
 * from `port` to `topic` on the broker at `brokerUrl`, as SenML JSON, one publish per line.
 */
export function nodeRedCommand(peer: { readonly redJs: string }, userDir: string, port: string, brokerUrl: string, topic: string): string[] {
  const broker = new URL(brokerUrl);
  // The naive script's parse, line for line: the same work per line.
  const parse = `const now = Date.now() / 1000;
const records = [];
for (const pair of String(msg.payload).trim().split(',')) {
  const [key, value] = pair.split('=');
  const number = Number(value);
  if (key && value !== undefined && Number.isFinite(number)) records.push({ n: key, v: number, t: now });
}
if (records.length === 0) return null;
msg.topic = ${JSON.stringify(topic)};
msg.payload = JSON.stringify(records);
return msg;`;
  const flows = [
    { id: 'bench', type: 'tab', label: 'fieldnode bench' },
    { id: 'port', type: 'serial-port', serialport: port, serialbaud: '115200', databits: '8', parity: 'none', stopbits: '1', waitfor: '', dtr: 'none', rts: 'none', cts: 'none', dsr: 'none', newline: '\\n', bin: 'false', out: 'char', addchar: '', responsetimeout: '10000' },
    { id: 'lines', type: 'serial in', z: 'bench', serial: 'port', wires: [['parse']] },
    { id: 'parse', type: 'function', z: 'bench', name: 'key=value to SenML JSON', func: parse, outputs: 1, wires: [['publish']] },
    { id: 'broker', type: 'mqtt-broker', broker: broker.hostname, port: broker.port || '1883', clientid: '', autoConnect: true, usetls: false, protocolVersion: '5', keepalive: '60', cleansession: true, birthTopic: nodeRedReadyTopic(topic), birthQos: '0', birthPayload: 'online', birthMsg: {} },
    { id: 'publish', type: 'mqtt out', z: 'bench', topic: '', qos: '1', retain: 'false', broker: 'broker', wires: [] },
  ];
  mkdirSync(userDir, { recursive: true });
  writeFileSync(join(userDir, 'flows.json'), JSON.stringify(flows));
  // No editor, no HTTP nodes: the runtime alone, as a headless gateway runs it.
  writeFileSync(
    join(userDir, 'settings.js'),
    `module.exports = ${JSON.stringify({ uiPort: 0, httpAdminRoot: false, httpNodeRoot: false, flowFile: 'flows.json', credentialSecret: false, logging: { console: { level: 'error' } }, editorTheme: { projects: { enabled: false } }, telemetry: { enabled: false }, diagnostics: { enabled: false } })};\n`,
  );
  return [process.execPath, peer.redJs, '--userDir', userDir, '--settings', join(userDir, 'settings.js')];
}
