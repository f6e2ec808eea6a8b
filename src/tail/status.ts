/**
 * Node and board statuses as the tail reads them: the state, a reason, and the node's counters
 * (backlog, held, dropped, problems, and a draining backlog's progress when the node reports
 * one). Payloads come from the network: every field is checked, nothing is trusted.
 */

/** Packs and readings (and bytes, for the outbox) a counter holds. */
export interface PackCount {
  readonly packs: number;
  readonly readings: number;
}

/** A backlog being sent after an outage: what is left and how fast it goes. */
export interface DrainProgress extends PackCount {
  readonly readingsPerSecond?: number | undefined;
  readonly etaSeconds?: number | undefined;
}

/** The counters of a node's status, those it carries. */
export interface StatusCounters {
  readonly backlog?: PackCount | undefined;
  readonly held?: PackCount | undefined;
  /** Dropped packs and readings by reason (`full`, `expired`, ...). */
  readonly dropped: Record<string, PackCount>;
  /** Problem counts by board, then by kind. */
  readonly problems: Record<string, Record<string, number>>;
  readonly drain?: DrainProgress | undefined;
}

/** A status message, read. */
export interface StatusView {
  readonly state: string;
  readonly boot?: number | undefined;
  readonly reason?: string | undefined;
  readonly counters?: StatusCounters | undefined;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);
const count = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined);

function packCount(value: unknown): PackCount | undefined {
  if (!isObject(value)) return undefined;
  const packs = count(value['packs']);
  const readings = count(value['readings']);
  return packs === undefined || readings === undefined ? undefined : { packs, readings };
}

function drainProgress(value: unknown): DrainProgress | undefined {
  const left = packCount(value);
  if (!left || !isObject(value)) return undefined;
  return { ...left, readingsPerSecond: count(value['readingsPerSecond']), etaSeconds: count(value['etaSeconds']) };
}

/** Reads a status payload; undefined when it is no status (no `state`). */
export function readStatus(body: Json): StatusView | undefined {
  const state = body['state'];
  if (typeof state !== 'string') return undefined;
  const reason = typeof body['reason'] === 'string' ? body['reason'] : undefined;
  const hasCounters = ['outbox', 'held', 'dropped', 'problems', 'drain'].some((key) => key in body);
  const counters: StatusCounters | undefined = hasCounters
    ? {
        backlog: packCount(body['outbox']),
        held: packCount(body['held']),
        dropped: Object.fromEntries(Object.entries(isObject(body['dropped']) ? body['dropped'] : {}).flatMap(([why, value]) => (packCount(value) ? [[why, packCount(value)!]] : []))),
        problems: Object.fromEntries(
          Object.entries(isObject(body['problems']) ? body['problems'] : {}).flatMap(([board, kinds]) =>
            isObject(kinds) ? [[board, Object.fromEntries(Object.entries(kinds).flatMap(([kind, n]) => (count(n) ? [[kind, count(n)!]] : [])))]] : [],
          ),
        ),
        drain: drainProgress(body['drain']),
      }
    : undefined;
  return { state, boot: count(body['boot']), reason, counters };
}

/** A size as it matters to whoever watches: zero, or its first digit and magnitude (1, 20, 300, 4000). */
function magnitude(value: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(1));
}

/**
 * What must change for a node status to be shown again: its state or boot, the backlog or held
 * packs by more than rounding, any drop or problem, and any step of a drain. A node republishes
 * its status every minute; the same picture again is not news.
 */
export function statusSignature(status: StatusView): string {
  const counters = status.counters;
  return JSON.stringify([
    status.state,
    status.boot,
    status.reason,
    counters && magnitude(counters.backlog?.packs ?? 0),
    counters && magnitude(counters.held?.packs ?? 0),
    counters?.dropped,
    counters?.problems,
    counters?.drain,
  ]);
}
