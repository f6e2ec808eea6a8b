import { readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { TransportError } from '../core/errors.js';

/**
 * Turns a port-opening failure into words a technician can act on: which port, what is
 * wrong and what to do, including the group to join when permission is denied (Debian
 * has moved USB-serial devices between dialout and plugdev across releases).
 */
export function explainOpenError(path: string, error: Error): TransportError {
  const message = error.message;
  if (/ENOENT|No such file/i.test(message)) {
    return new TransportError(`serial port ${path} does not exist`, 'check the cable and the path; /dev/serial/by-id/ lists attached USB-serial devices by a name that survives replugging', { cause: error });
  }
  if (/EACCES|Permission denied/i.test(message)) {
    return new TransportError(`permission denied opening ${path}`, permissionAdvice(path), { cause: error });
  }
  if (/EBUSY|Resource busy|Cannot lock/i.test(message)) {
    return new TransportError(`serial port ${path} is in use by another program`, 'close the serial monitor, ModemManager or other fieldnode instance that holds it', { cause: error });
  }
  return new TransportError(`cannot open serial port ${path}: ${message}`, undefined, { cause: error });
}

/** Group-read and group-write bits: what joining the device's group would grant. */
const GROUP_READ_WRITE = 0o060;

/**
 * What to do about a denied open, read from the device file's owner, group and mode: join
 * its group when the group may read and write it; otherwise (a device only its owner may
 * open, or one owned by group root, which no service user should join) give it a group and
 * mode with a udev rule first. Shared by a failed open and by `fieldnode ports`, which
 * checks before anything opens the port.
 */
export function permissionAdvice(path: string): string {
  let stats: Stats;
  let device: string;
  try {
    stats = statSync(path);
    device = realpathSync(path);
  } catch {
    return `add the user to the group that owns the device (ls -lL ${path} shows it; usually dialout)`;
  }
  const group = nameOf('/etc/group', stats.gid);
  const owner = nameOf('/etc/passwd', stats.uid);
  const file = `${device} (${modeString(stats)}, owner ${owner}, group ${group})`;
  // Group root, or an unnamed group, is no group to add a service user to: suggest Debian's serial group.
  const ruleGroup = stats.gid !== 0 && group !== String(stats.gid) ? group : 'dialout';
  const udevRule = `a udev rule (e.g. SUBSYSTEM=="tty", GROUP="${ruleGroup}", MODE="0660" in /etc/udev/rules.d/99-serial.rules), then add the user to group "${ruleGroup}" (sudo usermod -aG ${ruleGroup} $USER, then log in again)`;
  if ((stats.mode & GROUP_READ_WRITE) !== GROUP_READ_WRITE) {
    return `${file} cannot be read and written by its group, so joining a group does not help: give the device a group and mode with ${udevRule}`;
  }
  if (stats.gid === 0) {
    return `${file} belongs to group root, which a service user must not join: give the device its own group with ${udevRule}`;
  }
  return `${file} can be opened by group "${group}": add the user to it (sudo usermod -aG ${group} $USER, then log in again)`;
}

/** The name of a user or group id from /etc/passwd or /etc/group; the number when it has none. */
function nameOf(database: string, id: number): string {
  try {
    const entry = readFileSync(database, 'utf8')
      .split('\n')
      .find((line) => line.split(':')[2] === String(id));
    return entry?.split(':')[0] || String(id);
  } catch {
    return String(id);
  }
}

/** The mode as `ls -l` prints it (`crw-rw----`), the form a technician compares with. */
function modeString(stats: Stats): string {
  const kind = stats.isCharacterDevice() ? 'c' : stats.isBlockDevice() ? 'b' : stats.isDirectory() ? 'd' : '-';
  let bits = '';
  for (let shift = 6; shift >= 0; shift -= 3) {
    const triple = (stats.mode >> shift) & 7;
    bits += `${triple & 4 ? 'r' : '-'}${triple & 2 ? 'w' : '-'}${triple & 1 ? 'x' : '-'}`;
  }
  return kind + bits;
}
