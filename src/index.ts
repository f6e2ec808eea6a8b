/**
 * The fieldnode library: what consumers, embedding applications, driver plugins and the
 * simulators import. The simulators see the runtime through this file only, as another
 * package importing 'fieldnode' would.
 */
export { decodePack, encodePack, decodeSenmlCbor, encodeSenmlCbor, SENML_CBOR_CONTENT_TYPE, senmlLabels, SenmlError, toJsonSenml } from './codec/index.js';
export type { ResolvedRecord, SenmlRecord } from './codec/index.js';
export { loadConfigFile, parseConfig, validateConfig, describeIssue } from './config/load.js';
export { loadConfigWithPlugins, withPlugins, type FieldnodePlugin } from './config/plugins.js';
export type { NodeConfig, BoardConfig, DeviceConfig, SensorConfig } from './config/schema.js';
export { configJsonSchema } from './config/json-schema.js';
export { SystemClock, VirtualClock, systemClock, sleep, type Clock, type TimerHandle } from './core/clock.js';
export { systemNtpProbe, type NtpAnswer, type NtpProbe } from './time/ntp-status.js';
export { ConfigError, DeviceError, FieldnodeError, TransportError, type ConfigProblem } from './core/errors.js';
export { silentLogger, type Logger } from './core/logger.js';
export type { Lifecycle } from './core/lifecycle.js';
export type { Reading } from './core/reading.js';
export { FieldNode, type NodeDependencies } from './node.js';
/** Where the installed package lives: simulators find bundled files (compiled firmware) from it. */
export { packageRoot } from './package-root.js';
export { allDataTopics, allStatusTopics, dataTopic, parseDataTopic, statusTopic } from './uplink/topics.js';
export { startEmbeddedBroker, type EmbeddedBroker } from './uplink/embedded-broker.js';
export { FieldnodeConsumer, type ConsumedPack, type ConsumerOptions, type SessionMessage } from './consumer/consumer.js';
export { SequenceTracker, type SequenceGap } from './consumer/sequence.js';
export { MemorySeenStore, type PackIdentity, type SeenStore } from './consumer/seen-store.js';
export { SqliteSeenStore } from './consumer/sqlite-seen-store.js';
export { decodeMessage, encodeHistorical, HISTORICAL_FIELD, type DecodedMessage, type PackSession } from './codec/index.js';

// The board seam: what a driver, a twin or a link source implements.
export { hardwareCatalog, type Catalog } from './catalog/catalog.js';
export type { LinkRequest, LinkSources, PiParts, SerialPortRequest } from './transports/link-sources.js';
export type { DescribedDevice, DeviceLink, SimulatedDevice, TwinDefinition } from './catalog/twin.js';
export type {
  BytesContext,
  BytesDriverDefinition,
  BytesDriverInstance,
  DeviceBinding,
  DriverContext,
  DriverDefinition,
  DriverInstance,
  Framing,
  HostContext,
  HostDriverDefinition,
  LinkKind,
  PathProblem,
  PinsContext,
  PinsDriverDefinition,
  SensorBinding,
} from './drivers/driver.js';
export type { BytesLink, HostLink, Link, LinkState, PinsLink } from './transports/link.js';
export type { SerialPortLink } from './transports/firmata.js';
export type { SerialBinding } from './transports/serial.js';
export type { PinComponent, PinIo, Pins } from './transports/johnny-five.js';
export { SysfsRoot, PiFileError, type PiFiles, type FilesystemSpace } from './transports/pi/sysfs.js';
export { I2cError, MAX_BLOCK_BYTES, explainI2cError, type I2cBus, type I2cBuses } from './transports/pi/i2c.js';
export { GpioError, HEADER_CHIP_LABELS, HEADER_GPIO_COUNT, type GpioBias, type GpioChip, type GpioChips, type GpioInput } from './transports/pi/gpio.js';
export type { HostedTwin, RunningScenario, TwinHosting, Composition } from './cli/composition.js';
export type { FleetHosting, FleetOptions, FleetProgress, FleetReport } from './cli/fleet-report.js';
/** zod, for plugins: a driver's option shapes must be built with the same zod the config is checked with. */
export { z } from 'zod';
