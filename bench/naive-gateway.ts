/**
 * The baseline a developer writes in an afternoon: serialport with its readline parser,
 * the same key=value parse, and one MQTT.js QoS 1 publish per line (SenML JSON), with no
 * outbox, no batching and no session. What fieldnode costs is compared with this.
 * Usage: node naive-gateway.js <port> <broker url> <topic>
 */
import { ReadlineParser } from '@serialport/parser-readline';
import { SerialPort } from 'serialport';
import mqtt from 'mqtt';

const [path, url, topic] = process.argv.slice(2);
if (!path || !url || !topic) throw new Error('usage: naive-gateway <port> <broker url> <topic>');

const client = mqtt.connect(url, { protocolVersion: 5 });
const port = new SerialPort({ path, baudRate: 115200 });
const lines = port.pipe(new ReadlineParser({ delimiter: '\n' }));
lines.on('data', (line: string) => {
  const now = Date.now() / 1000;
  const records = [];
  for (const pair of line.trim().split(',')) {
    const [key, value] = pair.split('=');
    const number = Number(value);
    if (key && value !== undefined && Number.isFinite(number)) records.push({ n: key, v: number, t: now });
  }
  if (records.length > 0) client.publish(topic, JSON.stringify(records), { qos: 1 });
});
process.on('SIGTERM', () => {
  port.close();
  client.end(() => process.exit(0));
});
