/**
 * A node under systemd: READY=1 once started, STATUS= lines a technician reads in
 * `systemctl status`, WATCHDOG=1 while the node makes progress, STOPPING=1 on a stop signal.
 * Outside systemd (no NOTIFY_SOCKET) it does nothing.
 */
import { systemClock, type Clock, type TimerHandle } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { FieldNode } from '../node.js';
import { systemdEnvironment, systemdNotifyBinary, type Notifier } from './notify.js';
import { ProgressWatchdog, type PipelineSample } from './watchdog.js';

/** How often STATUS= is refreshed when there is no watchdog to piggyback on. */
const STATUS_INTERVAL_MS = 15_000;

/** Test seams; a node in production uses the defaults. */
export interface SupervisionOptions {
  readonly environment?: NodeJS.ProcessEnv;
  readonly clock?: Clock;
  readonly notifier?: Notifier;
}

/** What the watchdog reads from a running node. */
export function sampleNode(node: FieldNode): PipelineSample {
  const { boards, forwarder } = node.stats();
  const drops = Object.values(forwarder.dropped).reduce((sum, dropped) => sum + dropped.packs, 0);
  const backlog = node.forwarder?.backlogTotals().packs ?? 0;
  const held = node.forwarder?.heldTotals().packs ?? 0;
  return {
    readings: Object.values(boards).reduce((sum, board) => sum + board.readings, 0),
    forwarded: forwarder.packsSubmitted + forwarder.packsAcked + drops,
    pending: backlog + held,
    connected: node.uplink?.isConnected ?? false,
  };
}

/** One line for `systemctl status`: boards that produced readings since the last line, totals, backlog, broker. */
function statusLine(node: FieldNode, previousReadings: Map<string, number>): string {
  const { boards } = node.stats();
  const ids = Object.keys(boards);
  const reporting = ids.filter((id) => boards[id]!.readings !== (previousReadings.get(id) ?? 0)).length;
  for (const id of ids) previousReadings.set(id, boards[id]!.readings);
  const sample = sampleNode(node);
  return `node ${node.config.node.id}: ${reporting}/${ids.length} board(s) reporting, ${sample.readings} readings, backlog ${sample.pending} pack(s), broker ${sample.connected ? 'connected' : 'disconnected'}`;
}

/**
 * Tells systemd the node is ready and keeps it informed until a stop signal; call once the
 * node has started. Returns the means to stop (also done on SIGTERM and SIGINT).
 */
export function superviseWithSystemd(node: FieldNode, logger: Logger, options: SupervisionOptions = {}): () => void {
  const systemd = systemdEnvironment(options.environment ?? process.env);
  if (!systemd) return () => {};
  const log = logger.child({ component: 'systemd' });
  const clock = options.clock ?? systemClock;
  const notifier = options.notifier ?? systemdNotifyBinary(log);
  const previousReadings = new Map<string, number>();
  const status = () => `STATUS=${statusLine(node, previousReadings)}`;
  notifier.send('READY=1', status());

  let statusTimer: TimerHandle | undefined;
  let watchdog: ProgressWatchdog | undefined;
  if (systemd.watchdogMs !== undefined) {
    watchdog = new ProgressWatchdog({
      clock,
      intervalMs: systemd.watchdogMs,
      sample: () => sampleNode(node),
      ping: () => notifier.send('WATCHDOG=1', status()),
      onWedged: (stalledForMs, sample) => {
        log.error({ stalledForMs, ...sample }, `no readings and no packs forwarded for ${Math.round(stalledForMs / 1000)} s with packs waiting and the broker connected: the node stops answering the watchdog, so systemd restarts it`);
        notifier.send(`STATUS=stalled for ${Math.round(stalledForMs / 1000)} s: no readings, packs waiting, nothing forwarded; waiting for systemd's watchdog to restart it`);
      },
      onRecovered: () => log.info({}, 'the pipeline moves again: watchdog pings resume'),
    });
    watchdog.start();
    log.info({ watchdogMs: systemd.watchdogMs }, 'under systemd: ready, watchdog pings while the pipeline moves');
  } else {
    const refresh = () => {
      notifier.send(status());
      statusTimer = clock.setTimeout(refresh, STATUS_INTERVAL_MS);
    };
    statusTimer = clock.setTimeout(refresh, STATUS_INTERVAL_MS);
    log.info({}, 'under systemd: ready (no watchdog configured)');
  }

  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    watchdog?.stop();
    clock.clearTimeout(statusTimer);
    process.off('SIGTERM', stopping);
    process.off('SIGINT', stopping);
  };
  const stopping = () => {
    if (stopped) return;
    notifier.send('STOPPING=1', 'STATUS=stopping: flushing the last readings');
    stop();
  };
  process.on('SIGTERM', stopping);
  process.on('SIGINT', stopping);
  return stop;
}
