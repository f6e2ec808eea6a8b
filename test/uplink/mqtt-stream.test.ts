/**
 * The node's MQTT client over TCP or TLS with a stream of its own (MQTT.js's connect() would
 * load its WebSocket and SOCKS transports): which URLs it takes, with MQTT.js's defaults, and
 * a QoS 1 exchange with mosquitto through it. TLS against mosquitto, trusted and not, is in
 * test/e2e/security.e2e.test.ts; that a node never loads ws or socks, in
 * test/cli/lazy-loading.test.ts.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectMqtt, tcpBroker } from '../../src/uplink/mqtt-stream.js';
import { describeWithBinary } from '../support/binaries.js';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.js';

it('takes a host and port from mqtt://, tcp://, mqtts:// and tls:// URLs, with the MQTT ports as defaults', () => {
  expect(tcpBroker('mqtt://broker.example')).toEqual({ host: 'broker.example', port: 1883, secure: false });
  expect(tcpBroker('tcp://10.0.0.5:1884')).toEqual({ host: '10.0.0.5', port: 1884, secure: false });
  expect(tcpBroker('mqtts://broker.example')).toEqual({ host: 'broker.example', port: 8883, secure: true });
  expect(tcpBroker('tls://broker.example:9883/')).toEqual({ host: 'broker.example', port: 9883, secure: true });
  expect(tcpBroker('mqtt://[fd00::1]:1883')).toEqual({ host: 'fd00::1', port: 1883, secure: false });
});

it('makes a plain URL a TLS one when a client certificate is given, as MQTT.js does', () => {
  expect(tcpBroker('mqtt://broker.example', { cert: 'C', key: 'K' })).toEqual({ host: 'broker.example', port: 8883, secure: true });
  expect(tcpBroker('mqtt://broker.example', { cert: 'C' })).toMatchObject({ secure: false });
});

it('leaves WebSocket URLs, and URLs with a user, path or query, to MQTT.js', () => {
  for (const url of ['ws://broker.example/mqtt', 'wss://broker.example', 'mqtt://user@broker.example', 'mqtt://broker.example/path', 'mqtt://broker.example?clientId=x', 'not a url']) {
    expect(tcpBroker(url), url).toBeUndefined();
  }
});

describeWithBinary('mosquitto', 'mosquitto', 'an MQTT client over its own TCP stream', () => {
  let broker: MosquittoBroker;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(() => broker?.close());

  it('connects, subscribes and gets its own QoS 1 message back', async () => {
    const client = connectMqtt(broker.url, { protocolVersion: 5, clientId: `stream-${process.pid}`, reconnectPeriod: 0 });
    try {
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', reject);
      });
      const received = new Promise<Buffer>((resolve) => client.once('message', (_topic, payload) => resolve(payload)));
      await client.subscribeAsync('fieldnode/stream/test', { qos: 1 });
      await client.publishAsync('fieldnode/stream/test', Buffer.from('hello'), { qos: 1 });
      expect((await received).toString()).toBe('hello');
    } finally {
      await client.endAsync();
    }
  });

  it('reports a broker that is not there as the client error, as MQTT.js does', async () => {
    const client = connectMqtt('mqtt://127.0.0.1:1', { protocolVersion: 5, reconnectPeriod: 0 });
    try {
      const error = await new Promise<Error & { code?: string | number }>((resolve) => client.on('error', resolve));
      expect(error.code).toBe('ECONNREFUSED');
    } finally {
      await client.endAsync(true);
    }
  });
});
