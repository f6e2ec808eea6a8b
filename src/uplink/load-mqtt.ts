/**
 * MQTT.js for every client of fieldnode: loaded at the first connection rather than at import
 * (`validate` and the library's other users never need it), with the options all share.
 */
import { createRequire } from 'node:module';
import type { IClientOptions } from 'mqtt';

export const loadMqtt = () => createRequire(import.meta.url)('mqtt') as typeof import('mqtt');

/**
 * `writeCache: false`: otherwise mqtt-packet builds, at the first packet, a Buffer for each of
 * the 65,536 two-byte numbers: 6 MB of heap at a node's idle, 65,536 objects that every major
 * GC marks again, to save a 2-byte allocation per packet id written. The setting is global in
 * mqtt-packet, so every client of ours passes it.
 */
/*
 * `reschedulePings: false`: otherwise every acknowledgement received clears the keepalive
 * timer and sets a new one, 40 times a second at 1,000 lines/s, to save a PINGREQ that costs
 * two bytes once per keepalive. A ping still goes out every keepalive period and a missing
 * PINGRESP still ends the connection after one and a half.
 */
export const SHARED_CLIENT_OPTIONS = { writeCache: false, reschedulePings: false } as const satisfies IClientOptions;
