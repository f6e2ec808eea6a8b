/**
 * Commands to a node over MQTT (`.../cmd/{verb}`), answered on the MQTT 5 response topic with
 * the request's correlation data. Anything hostile or malformed is rejected with a reason and
 * changes nothing: commands come from the network, and the network is not trusted. Reasons
 * quote the request only as a short escaped excerpt, so a reply is never larger than a line.
 */
import { excerpt } from '../core/excerpt.js';

export interface CommandRequest {
  readonly verb: string;
  readonly payload: Buffer;
  readonly responseTopic?: string | undefined;
}

/** Why a request was rejected, from a fixed vocabulary: rejections are counted by kind, never by what the request said. */
export type RejectionKind = 'unknown-command' | 'unsafe-response-topic' | 'payload-too-large' | 'payload-not-json' | 'payload-not-object' | 'command-refused';

export type CommandOutcome =
  | { readonly ok: true; readonly result?: Record<string, unknown> }
  | { readonly ok: false; readonly kind: RejectionKind; readonly error: string };

/** What a verb does; returns its result or throws a reason. */
export type CommandHandler = (argument: Record<string, unknown>) => Record<string, unknown> | undefined;

const MAX_PAYLOAD_BYTES = 4096;

/**
 * Checks a request and runs its handler. `responseTree` is the only topic prefix a response
 * may go to: a forged response topic must not make the node publish elsewhere.
 */
export function runCommand(request: CommandRequest, handlers: Readonly<Record<string, CommandHandler>>, responseTree: string): CommandOutcome {
  if (!Object.hasOwn(handlers, request.verb)) return { ok: false, kind: 'unknown-command', error: `unknown command "${excerpt(request.verb)}"; known: ${Object.keys(handlers).join(', ')}` };
  if (request.responseTopic !== undefined && !isSafeResponseTopic(request.responseTopic, responseTree)) {
    return { ok: false, kind: 'unsafe-response-topic', error: `response topic must be a plain topic under ${responseTree}reply/` };
  }
  if (request.payload.length > MAX_PAYLOAD_BYTES) return { ok: false, kind: 'payload-too-large', error: `payload of ${request.payload.length} bytes exceeds ${MAX_PAYLOAD_BYTES}` };
  let argument: Record<string, unknown> = {};
  if (request.payload.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(request.payload.toString('utf8'));
    } catch {
      return { ok: false, kind: 'payload-not-json', error: 'payload is not JSON' };
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, kind: 'payload-not-object', error: 'payload must be a JSON object' };
    argument = parsed as Record<string, unknown>;
  }
  try {
    const result = handlers[request.verb]!(argument);
    return result ? { ok: true, result } : { ok: true };
  } catch (error) {
    return { ok: false, kind: 'command-refused', error: excerpt(String((error as Error).message), MAX_REASON_CHARS) };
  }
}

/**
 * A response may only target a concrete topic under the node's `reply/` subtree: never its
 * data, status or command topics, and nothing outside its tree.
 */
export function isSafeResponseTopic(topic: string, tree: string): boolean {
  return topic.startsWith(`${tree}reply/`) && topic.length > `${tree}reply/`.length && !/[+#]/.test(topic) && !topic.includes('\u0000') && topic.length <= 512;
}

/** A handler's reason is ours, not the request's, but it may quote the argument. */
const MAX_REASON_CHARS = 200;
