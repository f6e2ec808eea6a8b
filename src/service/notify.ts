/**
 * Messages to systemd (sd_notify: READY=1, STATUS=, WATCHDOG=1, STOPPING=1). Node has no
 * AF_UNIX datagram sockets, so the `systemd-notify` binary sends them, spawned without
 * waiting for it. It waits until systemd has read each message (its BARRIER): a message
 * from a process that exited before systemd looked it up cannot be traced to the unit and
 * is dropped. That is why the unit says NotifyAccess=all: the sender is our child.
 */
import { spawn } from 'node:child_process';
import type { Logger } from '../core/logger.js';

/** Sends sd_notify messages; sending never blocks or throws. */
export interface Notifier {
  /** Sends `KEY=VALUE` assignments in one message. */
  send(...assignments: string[]): void;
}

/** What systemd tells a service in its environment. */
export interface SystemdEnvironment {
  /** Set when systemd (or anything speaking its protocol) listens for our messages. */
  readonly notifySocket: string;
  /** WatchdogSec in ms, when the watchdog is on for this process. */
  readonly watchdogMs?: number;
}

/** Reads NOTIFY_SOCKET and WATCHDOG_USEC (only if WATCHDOG_PID, when set, is us: sd_watchdog_enabled's rule). */
export function systemdEnvironment(environment: NodeJS.ProcessEnv = process.env, pid = process.pid): SystemdEnvironment | undefined {
  const notifySocket = environment['NOTIFY_SOCKET'];
  if (!notifySocket) return undefined;
  const usec = Number(environment['WATCHDOG_USEC']);
  const forUs = environment['WATCHDOG_PID'] === undefined || Number(environment['WATCHDOG_PID']) === pid;
  return Number.isFinite(usec) && usec > 0 && forUs ? { notifySocket, watchdogMs: usec / 1000 } : { notifySocket };
}

/**
 * A notifier over `systemd-notify --pid=<our pid>`. A watchdog ping is skipped while the
 * previous one is still on its way (they cannot pile up behind a slow reader); the others
 * are always sent. A missing binary is said once, in words.
 */
export function systemdNotifyBinary(logger: Logger, binary = 'systemd-notify'): Notifier {
  let pingInFlight = false;
  let failures = 0;
  const report = (message: string) => {
    // The first failure is worth a warning; repeating it every 15 s would drown the log.
    if (failures++ === 0) logger.warn({}, message);
    else logger.debug({}, message);
  };
  return {
    send(...assignments) {
      const ping = assignments.includes('WATCHDOG=1');
      if (ping && pingInFlight) return;
      if (ping) pingInFlight = true;
      let stderr = '';
      const child = spawn(binary, [`--pid=${process.pid}`, ...assignments], { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (ping) pingInFlight = false;
        report(error.code === 'ENOENT'
          ? `${binary} is not installed, so systemd is not told that the node is ready or alive (Type=notify waits for it, WatchdogSec= restarts it): install systemd's ${binary}, or remove WatchdogSec= and use Type=simple`
          : `cannot run ${binary}: ${error.message}`);
      });
      child.on('close', (code) => {
        if (ping) pingInFlight = false;
        // A spawn failure closes with a negative code after 'error' has said why.
        if (code !== null && code > 0) report(`${binary} ${assignments.join(' ')} failed (exit status ${code}): ${stderr.trim() || 'no message'}`);
      });
    },
  };
}
