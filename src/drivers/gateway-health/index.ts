import type { HostDriverDefinition } from '../driver.js';
import { pollingInstance } from '../polling-instance.js';
import { createGatewayHealthPoller } from './poller.js';
import { gatewayHealthDeviceShape, gatewayHealthSensorShape, refineGatewayHealthSensor } from './schema.js';

export { createGatewayHealthPoller, HEALTH_FILES, type GatewayHealthPollerOptions } from './poller.js';

/** The `gateway-health` driver: the Pi's own temperature, load, memory, disk and power state. See README.md beside this file. */
export const gatewayHealthDriver: HostDriverDefinition<typeof gatewayHealthDeviceShape, typeof gatewayHealthSensorShape> = {
  type: 'gateway-health',
  summary: "the gateway's CPU temperature, load, memory, disk, uptime, under-voltage and throttling, from /proc and /sys",
  link: 'host',
  simulatedBy: { reason: "every simulated Pi (piSimulator) renders the gateway's own files: thermal zone, load, memory, uptime, throttling" },
  deviceShape: gatewayHealthDeviceShape,
  sensorShape: gatewayHealthSensorShape,
  refineSensor: refineGatewayHealthSensor,
  create: (device, context) =>
    pollingInstance(
      createGatewayHealthPoller({ files: context.files, intervalMs: device.options.intervalMs, sensors: device.sensors, clock: context.clock, problems: context.problems, emit: (reading) => context.emit(reading) }),
    ),
};
