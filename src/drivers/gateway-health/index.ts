import type { DriverDefinition } from '../driver.js';
import { fileDriverInstance } from '../../transports/pi/file-driver.js';
import { createGatewayHealthPoller } from './poller.js';
import { gatewayHealthOptionsShape, refineGatewayHealthOptions } from './schema.js';

export { createGatewayHealthPoller, HEALTH_FILES, type GatewayHealthPollerOptions } from './poller.js';

/** The `gateway-health` driver: the Pi's own temperature, load, memory, disk and power state. See README.md beside this file. */
export const gatewayHealthDriver: DriverDefinition<typeof gatewayHealthOptionsShape> = {
  type: 'gateway-health',
  summary: "the gateway's CPU temperature, load, memory, disk, uptime, under-voltage and throttling, from /proc and /sys",
  transports: ['pi'],
  optionsShape: gatewayHealthOptionsShape,
  refineOptions: refineGatewayHealthOptions,
  create: (sensors, context) =>
    fileDriverInstance('gateway-health', context, (pi) =>
      createGatewayHealthPoller({ root: pi.files, clock: context.clock, problems: context.problems, emit: (reading) => context.emit(reading), sensors }),
    ),
};
