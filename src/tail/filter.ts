/**
 * What a tail watches: a prefix, and a site, node, board and sensor by name, each of which may
 * be "any". Site and node narrow the MQTT subscription; board and sensor are picked out of
 * what arrives, because sequence numbers count a node's packs across all its boards, so every
 * board's packs must be seen for a gap to mean something.
 */
import { IDENTIFIER_PATTERN, IDENTIFIER_RULE } from '../config/identifier-rule.js';

/** The MQTT single-level wildcard, which also means "any" on the command line. */
export const ANY = '+';

/** Where a tail looks. Undefined board or sensor: all of them. Site and node may be ANY. */
export interface TailSelection {
  readonly prefix: string;
  readonly site: string;
  readonly node: string;
  readonly board?: string | undefined;
  readonly sensor?: string | undefined;
}

/** Why a name cannot be a topic level, or undefined when it can (ANY is allowed where `allowAny`). */
export function nameProblem(name: string, allowAny: boolean): string | undefined {
  if (allowAny && name === ANY) return undefined;
  return IDENTIFIER_PATTERN.test(name) ? undefined : IDENTIFIER_RULE;
}

/** The MQTT filters of a selection: the nodes' births and statuses, their boards', and every board's data. */
export function subscriptionFilters(selection: TailSelection): string[] {
  const node = `${selection.prefix}/${selection.site}/${selection.node}`;
  const board = selection.board ?? ANY;
  return [`${node}/birth`, `${node}/status`, `${node}/${board}/birth`, `${node}/${board}/status`, `${node}/${ANY}/data`];
}

/** Whether a board is one the selection shows. */
export function showsBoard(selection: TailSelection, board: string): boolean {
  return selection.board === undefined || selection.board === board;
}

/** Whether a decoded record (named `{node}/{board}/{sensor}`) is one the selection shows. */
export function showsRecord(selection: TailSelection, recordName: string): boolean {
  return selection.sensor === undefined || sensorOf(recordName) === selection.sensor;
}

/** The sensor's own name in a resolved SenML name. */
export function sensorOf(recordName: string): string {
  return recordName.split('/').pop() ?? recordName;
}
