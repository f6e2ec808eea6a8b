import { statSync } from 'node:fs';
import { readFileSync } from 'node:fs';
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
    const group = owningGroup(path);
    const hint = group
      ? `add the user to group "${group}" (sudo usermod -aG ${group} $USER, then log in again)`
      : 'add the user to the group that owns the device (ls -l shows it; usually dialout)';
    return new TransportError(`permission denied opening ${path}`, hint, { cause: error });
  }
  if (/EBUSY|Resource busy|Cannot lock/i.test(message)) {
    return new TransportError(`serial port ${path} is in use by another program`, 'close the serial monitor, ModemManager or other fieldnode instance that holds it', { cause: error });
  }
  return new TransportError(`cannot open serial port ${path}: ${message}`, undefined, { cause: error });
}

function owningGroup(path: string): string | undefined {
  try {
    const gid = statSync(path).gid;
    const line = readFileSync('/etc/group', 'utf8')
      .split('\n')
      .find((entry) => entry.split(':')[2] === String(gid));
    return line?.split(':')[0];
  } catch {
    return undefined;
  }
}
