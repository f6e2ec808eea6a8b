import { MqttUplink } from './src/uplink/mqtt-uplink.ts';
import { systemClock } from './src/core/clock.ts';
import { startMosquitto } from './test/support/mosquitto.ts';

const logger = { debug(){}, info(f:any,m:string){console.log('INFO',m)}, warn(f:any,m:string){console.log('WARN',m)}, error(f:any,m:string){console.log('ERR',m)}, child(){return logger;} };
const broker = await startMosquitto();
const uplink = new MqttUplink({ url: broker.url, clientId: 'repro1', keepaliveSeconds: 30, protocol: '5',
  will: { topic: 'x/status', payload: () => Buffer.from('off'), delaySeconds: 5 }, reconnect: { initialDelayMs: 100, maxDelayMs: 200 }, clock: systemClock, logger });
let gens = 0;
uplink.onConnect(() => gens++);
let disc = 0; uplink.onDisconnect(() => disc++);
await uplink.start();
while (!uplink.isConnected) await new Promise(r => setTimeout(r, 10));
let cbs = 0;
for (let i = 0; i < 10; i++) uplink.publish({ topic: 'x/data', payload: Buffer.from('p' + i), contentType: 'a' }, (e) => { cbs++; });
// network drop before the PUBACKs arrive
(uplink as any).client.stream.destroy();
await new Promise(r => setTimeout(r, 1000));
const client = (uplink as any).client;
console.log('connected again:', uplink.isConnected, 'gens', gens, 'disconnects', disc, 'callbacks fired', cbs, 'stale outgoing entries', Object.keys(client.outgoing).length);
const t0 = Date.now();
const res = await Promise.race([uplink.stop({ topic: 'x/status', payload: Buffer.from('bye'), contentType: 'a', retain: true }).then(() => 'stopped'), new Promise(r => setTimeout(() => r('HUNG >8s'), 8000))]);
console.log('stop():', res, Date.now() - t0, 'ms');
await broker.close();
process.exit(0);
