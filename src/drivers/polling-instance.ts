import type { DriverInstance } from './driver.js';
import type { Poller } from './poll-loop.js';

/**
 * A driver that polls while its board is open: the host drivers (ds18b20, bme280,
 * gateway-health) read files and buses that exist whether anyone asks or not, so opening the
 * board starts the asking and closing it stops it. A replug restarts the loop afresh.
 */
export function pollingInstance(poller: Poller): DriverInstance {
  return {
    onOpen: () => poller.start(),
    onClose: () => poller.stop(),
    readNow: () => poller.readNow?.() ?? false,
  };
}
