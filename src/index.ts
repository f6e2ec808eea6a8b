/** The fieldnode library: what consumers and embedding applications import. */
export { decodePack, encodePack, decodeSenmlCbor, encodeSenmlCbor, SENML_CBOR_CONTENT_TYPE, senmlLabels, SenmlError, toJsonSenml } from './codec/index.js';
export type { ResolvedRecord, SenmlRecord } from './codec/index.js';
export { loadConfigFile, parseConfig, validateConfig } from './config/load.js';
export type { NodeConfig } from './config/schema.js';
export { configJsonSchema } from './config/json-schema.js';
export { SystemClock, VirtualClock, type Clock } from './core/clock.js';
export { ConfigError, FieldnodeError, TransportError } from './core/errors.js';
export type { Reading } from './core/reading.js';
export { FieldNode } from './node.js';
export { allDataTopics, allStatusTopics, dataTopic, parseDataTopic, statusTopic } from './uplink/topics.js';
export { FieldnodeConsumer, type ConsumedPack, type ConsumerOptions, type SessionMessage } from './consumer/consumer.js';
export { SequenceTracker, type SequenceGap } from './consumer/sequence.js';
export { decodeMessage, encodeHistorical, HISTORICAL_FIELD, type DecodedMessage, type PackSession } from './codec/index.js';
