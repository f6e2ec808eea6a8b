/**
 * How tail events are printed: one line each, as text for a person (coloured at a terminal)
 * or as a JSON object per line for a program. Everything shown comes from the network, so
 * control characters are escaped before any colour is added: a payload must not be able to
 * rewrite the technician's terminal.
 */
import type { ResolvedRecord } from '../codec/index.js';
import { escapeUnsafe } from '../core/excerpt.js';
import type { BirthEvent, StatusEvent, TailEvent } from './events.js';
import type { StatusCounters } from './status.js';

/** One reading as the tail prints it: `12:00:01.500  site/node/board  temperature  21.53 Cel`. */
export function formatTailLine(source: string, record: ResolvedRecord): string {
  const shortName = record.name.split('/').pop() ?? record.name;
  const value = record.value instanceof Uint8Array ? `<${record.value.length} bytes>` : String(record.value ?? record.sum);
  return `${clockTime(record.time * 1000)}  ${source}  ${shortName.padEnd(12)} ${value}${record.unit ? ` ${record.unit}` : ''}`;
}

/** `HH:MM:SS.mmm` in UTC, the time column of every line. */
function clockTime(epochMs: number): string {
  return Number.isFinite(epochMs) ? new Date(epochMs).toISOString().slice(11, 23) : '--:--:--.---';
}

/** The ANSI colours the tail uses: green for well, yellow for attention, red for trouble. */
export type Tone = 'plain' | 'green' | 'yellow' | 'red' | 'cyan';
const ANSI: Record<Exclude<Tone, 'plain'>, string> = { green: '\u001b[32m', yellow: '\u001b[33m', red: '\u001b[31m', cyan: '\u001b[36m' };
const RESET = '\u001b[0m';

/** Colour only for a terminal, and never when NO_COLOR is set (no-color.org). */
export function wantsColour(stream: { isTTY?: boolean }, environment: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !environment['NO_COLOR'];
}

/** An event as a line of text, with the tone to colour it in. */
export function describeEvent(event: TailEvent, now: number): { text: string; tone: Tone } {
  switch (event.kind) {
    case 'reading':
      return { text: formatTailLine(where(event), event.record) + (event.historical ? '  (sent late)' : ''), tone: 'plain' };
    case 'birth':
      return { text: `${sessionTime(event.body, now)}  ${where(event)}  birth ${describeBirth(event)}${retainedMark(event)}`, tone: 'cyan' };
    case 'status':
      return { text: `${sessionTime(event.body, now)}  ${where(event)}  ${describeStatus(event)}${retainedMark(event)}`, tone: statusTone(event) };
    case 'gap': {
      const missing = event.to - event.from + 1;
      const range = missing === 1 ? `seq ${event.from}` : `seq ${event.from}-${event.to}`;
      return { text: `${clockTime(now)}  ${where({ ...event, board: undefined })}  gap: ${missing} pack${missing === 1 ? '' : 's'} missing (${range}, boot ${event.boot}) before board ${event.board}'s pack ${event.seq}`, tone: 'red' };
    }
    case 'duplicate':
      return { text: `${clockTime(now)}  ${where(event)}  duplicate: pack ${event.seq} (boot ${event.boot}) delivered again, its readings not repeated`, tone: 'yellow' };
    case 'undecodable':
      return { text: `${clockTime(now)}  ${event.topic}  cannot read: ${event.error}`, tone: 'red' };
  }
}

/** An event as one line of text, escaped, coloured when asked. */
export function formatEvent(event: TailEvent, options: { colour: boolean; now: number }): string {
  const { text, tone } = describeEvent(event, options.now);
  const safe = escapeUnsafe(text);
  return options.colour && tone !== 'plain' ? `${ANSI[tone]}${safe}${RESET}` : safe;
}

/** An event as one JSON object (a JSON line), with its `kind`. */
export function eventJson(event: TailEvent): Record<string, unknown> {
  switch (event.kind) {
    case 'reading': {
      const { record } = event;
      const value = record.value instanceof Uint8Array ? Buffer.from(record.value).toString('base64') : record.value;
      return {
        kind: 'reading',
        time: new Date(record.time * 1000).toISOString(),
        site: event.site,
        node: event.node,
        board: event.board,
        sensor: record.name.split('/').pop(),
        name: record.name,
        ...(value === undefined ? {} : { value }),
        ...(record.value instanceof Uint8Array ? { encoding: 'base64' } : {}),
        ...(record.sum === undefined ? {} : { sum: record.sum }),
        ...(record.unit === undefined ? {} : { unit: record.unit }),
        ...(event.boot === undefined ? {} : { boot: event.boot, seq: event.seq }),
        historical: event.historical,
      };
    }
    case 'birth':
      return { kind: 'birth', site: event.site, node: event.node, ...(event.board === undefined ? {} : { board: event.board }), retained: event.retained, birth: event.body };
    case 'status':
      return { kind: 'status', site: event.site, node: event.node, ...(event.board === undefined ? {} : { board: event.board }), state: event.status.state, ...(event.status.reason === undefined ? {} : { reason: event.status.reason }), retained: event.retained, status: event.body };
    case 'gap':
      return { kind: 'gap', site: event.site, node: event.node, board: event.board, boot: event.boot, from: event.from, to: event.to, missing: event.to - event.from + 1, seq: event.seq };
    case 'duplicate':
      return { kind: 'duplicate', site: event.site, node: event.node, board: event.board, boot: event.boot, seq: event.seq };
    case 'undecodable':
      return { kind: 'undecodable', topic: event.topic, error: event.error };
  }
}

function where(source: { site: string; node: string; board?: string | undefined }): string {
  return source.board === undefined ? `${source.site}/${source.node}` : `${source.site}/${source.node}/${source.board}`;
}

/** A session message's own time when it carries a readable one, else the time it arrived. */
function sessionTime(body: Record<string, unknown>, now: number): string {
  const time = typeof body['time'] === 'string' ? Date.parse(body['time']) : Number.NaN;
  return clockTime(Number.isNaN(time) ? now : time);
}

function retainedMark(event: BirthEvent | StatusEvent): string {
  return event.retained ? ' (retained)' : '';
}

const text = (value: unknown): string | undefined => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);

/** `temperature Cel, humidity %RH` from a birth's sensor list. */
function sensorList(sensors: unknown): string {
  if (!Array.isArray(sensors)) return '';
  return sensors
    .filter((sensor): sensor is Record<string, unknown> => sensor !== null && typeof sensor === 'object')
    .map((sensor) => [text(sensor['name']), text(sensor['unit'])].filter(Boolean).join(' '))
    .join(', ');
}

/** `sds011 on /dev/ttyUSB0: pm25 ug/m3, pm10 ug/m3`. */
function boardSummary(board: Record<string, unknown>): string {
  const device = text(board['device']) ?? '?';
  const source = text(board['source']);
  const sensors = sensorList(board['sensors']);
  return `${device}${source ? ` on ${source}` : ''}${sensors ? `: ${sensors}` : ''}`;
}

function describeBirth(event: BirthEvent): string {
  const body = event.body;
  const boot = text(body['boot']);
  if (event.board !== undefined) return `${boardSummary(body)}${boot ? ` (boot ${boot})` : ''}`;
  const boards = Array.isArray(body['boards']) ? body['boards'].filter((board): board is Record<string, unknown> => board !== null && typeof board === 'object') : [];
  const parts = boards.map((board) => `${text(board['board']) ?? '?'} (${boardSummary(board)})`);
  return `fieldnode ${text(body['version']) ?? '?'}, boot ${boot ?? '?'}, ${boards.length} board${boards.length === 1 ? '' : 's'}${parts.length ? `: ${parts.join('; ')}` : ''}`;
}

function describeStatus(event: StatusEvent): string {
  const { state, reason, counters } = event.status;
  const details = counters ? counterText(counters) : [];
  return `${state}${reason ? `: ${reason}` : ''}${details.length ? `  ${details.join(', ')}` : ''}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The counters worth a technician's eye: only those that are not zero, and a drain's progress. */
function counterText(counters: StatusCounters): string[] {
  const parts: string[] = [];
  if (counters.drain) {
    const { packs, readings, readingsPerSecond, etaSeconds } = counters.drain;
    parts.push(`draining ${plural(readings, 'reading')} (${plural(packs, 'pack')}) left${readingsPerSecond !== undefined ? ` at ${Math.round(readingsPerSecond)}/s` : ''}${etaSeconds !== undefined ? `, about ${Math.ceil(etaSeconds)} s to go` : ''}`);
  } else if (counters.backlog && counters.backlog.packs > 0) {
    parts.push(`backlog ${plural(counters.backlog.packs, 'pack')} (${plural(counters.backlog.readings, 'reading')})`);
  }
  if (counters.held && counters.held.packs > 0) parts.push(`held in memory ${plural(counters.held.packs, 'pack')}`);
  for (const [why, dropped] of Object.entries(counters.dropped)) if (dropped.packs > 0) parts.push(`dropped (${why}) ${plural(dropped.packs, 'pack')}`);
  for (const [board, kinds] of Object.entries(counters.problems)) {
    for (const [kind, n] of Object.entries(kinds)) if (n > 0) parts.push(`${board}: ${kind} ×${n}`);
  }
  return parts;
}

function statusTone(event: StatusEvent): Tone {
  const { state, counters } = event.status;
  if (state !== 'online') return 'red';
  const troubled = counters && (Object.values(counters.dropped).some((dropped) => dropped.packs > 0) || (counters.held?.packs ?? 0) > 0 || counters.drain !== undefined || (counters.backlog?.packs ?? 0) > 0);
  return troubled ? 'yellow' : 'green';
}
