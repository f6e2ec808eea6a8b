/**
 * The line fieldnode's sketches print first after every reset, naming what the board runs:
 *   # firmware <sketch> <version> <board>
 * e.g. `# firmware weather-station 0.1.0-5-g1a2b3c4 arduino-uno`. The sketch is the name in
 * the board profile's `sketches`, the version what the firmware build stamped in (git
 * describe), the board the profile id it was built for. Any other `#` line stays a comment.
 * A reset can cut the line being printed: the USB-serial link keeps the cut part, and the
 * banner then ends that line (`t=21.5,h=5# firmware ...`), which findFirmwareBanner finds.
 * Pure.
 */
import type { FirmwareIdentity } from '../../core/firmware.js';

/** Bounds each field: a banner is a few dozen characters, and noise must not become a birth. */
const BANNER = /^# firmware ([A-Za-z0-9][\w.-]{0,63}) ([\x21-\x7e]{1,64}) ([a-z0-9]+(?:-[a-z0-9]+)*)$/;

/** The identity a banner line names (without its line ending), or undefined for any other line. */
export function parseFirmwareBanner(line: string): FirmwareIdentity | undefined {
  const match = BANNER.exec(line.trimEnd());
  if (!match || match[3]!.length > 64) return undefined;
  return { sketch: match[1]!, version: match[2]!, board: match[3]! };
}

/** A banner at the end of a line, and what came before it (a line a reset cut short), if any. */
export function findFirmwareBanner(line: string): { firmware: FirmwareIdentity; cut: string } | undefined {
  const at = line.lastIndexOf('# firmware ');
  if (at < 0) return undefined;
  const firmware = parseFirmwareBanner(line.slice(at));
  return firmware && { firmware, cut: line.slice(0, at) };
}
