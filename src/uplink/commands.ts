/**
 * Commands to a node over MQTT (`.../cmd/{verb}`), answered on the MQTT 5 response topic with
 * the request's correlation data. Anything hostile or malformed is rejected with a reason and
 * changes nothing: commands come from the network, and the network is not trusted.
 */
export interface CommandRequest {
  readonly verb: string;
  readonly payload: Buffer;
  readonly responseTopic?: string | undefined;
}

export type CommandOutcome = { readonly ok: true; readonly result?: Record<string, unknown> } | { readonly ok: false; readonly error: string };

/** What a verb does; returns its result or throws a reason. */
export type CommandHandler = (argument: Record<string, unknown>) => Record<string, unknown> | undefined;

const MAX_PAYLOAD_BYTES = 4096;

/**
 * Checks a request and runs its handler. `responseTree` is the only topic prefix a response
 * may go to: a forged response topic must not make the node publish elsewhere.
 */
export function runCommand(request: CommandRequest, handlers: Readonly<Record<string, CommandHandler>>, responseTree: string): CommandOutcome {
  if (!Object.hasOwn(handlers, request.verb)) return { ok: false, error: `unknown command "${truncate(request.verb)}"; known: ${Object.keys(handlers).join(', ')}` };
  if (request.responseTopic !== undefined && !isSafeResponseTopic(request.responseTopic, responseTree)) {
    return { ok: false, error: `response topic must be a plain topic under ${responseTree}reply/` };
  }
  if (request.payload.length > MAX_PAYLOAD_BYTES) return { ok: false, error: `payload of ${request.payload.length} bytes exceeds ${MAX_PAYLOAD_BYTES}` };
  let argument: Record<string, unknown> = {};
  if (request.payload.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(request.payload.toString('utf8'));
    } catch {
      return { ok: false, error: 'payload is not JSON' };
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, error: 'payload must be a JSON object' };
    argument = parsed as Record<string, unknown>;
  }
  try {
    const result = handlers[request.verb]!(argument);
    return result ? { ok: true, result } : { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/**
 * A response may only target a concrete topic under the node's `reply/` subtree: never its
 * data, status or command topics, and nothing outside its tree.
 */
export function isSafeResponseTopic(topic: string, tree: string): boolean {
  return topic.startsWith(`${tree}reply/`) && topic.length > `${tree}reply/`.length && !/[+#]/.test(topic) && !topic.includes('\u0000') && topic.length <= 512;
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
