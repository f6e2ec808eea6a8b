/**
 * MQTT protocol negotiation. fieldnode speaks MQTT 5 (content type, will delay, response
 * topics), but many brokers in the field, and aedes, speak only 3.1.1: with `auto`, a refusal
 * of version 5 makes the client fall back to 3.1.1 and say so.
 */
export type ProtocolChoice = 'auto' | '5' | '3.1.1';

/** MQTT.js protocol version numbers: 5 and 4 (which is 3.1.1). */
export type ProtocolVersion = 5 | 4;

export function initialProtocolVersion(choice: ProtocolChoice): ProtocolVersion {
  return choice === '3.1.1' ? 4 : 5;
}

/** CONNACK codes meaning "not this protocol version": 3.1.1 return code 1, MQTT 5 reason 132. */
export function isProtocolRefusal(error: Error & { code?: string | number }): boolean {
  return error.code === 1 || error.code === 132;
}

/** The version to retry with after a refusal, or undefined when there is no fallback left. */
export function fallbackVersion(choice: ProtocolChoice, current: ProtocolVersion): ProtocolVersion | undefined {
  return choice === 'auto' && current === 5 ? 4 : undefined;
}
