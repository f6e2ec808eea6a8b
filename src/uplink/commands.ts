/**
 * Commands to a node over MQTT (`.../cmd/{verb}`), answered on the MQTT 5 response topic with
 * the request's correlation data. Anything hostile or malformed is rejected with a reason and
 * changes nothing: commands come from the network, and the network is not trusted. Reasons
 * quote the request only as a short escaped excerpt, so a reply is never larger than a line.
 */
import type { z } from 'zod';
import { excerpt } from '../core/excerpt.js';

export interface CommandRequest {
  readonly verb: string;
  readonly payload: Buffer;
  readonly responseTopic?: string | undefined;
}

/** Why a request was rejected, from a fixed vocabulary: rejections are counted by kind, never by what the request said. */
export type RejectionKind =
  | 'unknown-command'
  | 'not-allowed'
  | 'unsafe-response-topic'
  | 'payload-too-large'
  | 'payload-not-json'
  | 'payload-not-object'
  | 'bad-argument'
  | 'busy'
  | 'command-refused';

export type CommandOutcome =
  | { readonly ok: true; readonly result?: Record<string, unknown> }
  | { readonly ok: false; readonly kind: RejectionKind; readonly error: string; readonly problems?: readonly { path: string; message: string }[] };

/**
 * One verb: the schema of its argument (a strict object, so a misspelt key is an error, not
 * ignored) and what it does. `run` returns its result or throws a reason; a `CommandRefusal`
 * may carry problems by path (a config that does not validate).
 */
export interface CommandVerb<Argument = never> {
  readonly argument: z.ZodType<Argument>;
  /** Larger than the default only for a verb that carries a document (a config). */
  readonly maxPayloadBytes?: number;
  /**
   * A verb that changes the node is logged when it did (`applied` not false in its result);
   * the others are not, so asking often cannot fill the log. Changes limit their own rate.
   */
  readonly changesNode?: boolean;
  run(argument: Argument): Promise<Record<string, unknown> | undefined> | Record<string, unknown> | undefined;
}

// `never` above keeps verbs with different arguments assignable to one table.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandVerbs = Readonly<Record<string, CommandVerb<any>>>;

/** A refusal with a fixed kind (`busy`) or with problems by path, beside its reason. */
export class CommandRefusal extends Error {
  constructor(
    message: string,
    readonly kind: 'busy' | 'command-refused' = 'command-refused',
    readonly problems?: readonly { path: string; message: string }[],
  ) {
    super(message);
  }
}

export const MAX_PAYLOAD_BYTES = 4096;
/** Problems listed in a reply, at most: a reply stays a few kilobytes whatever was sent. */
const MAX_REPLY_PROBLEMS = 20;

/**
 * Checks a request and runs its verb. `responseTree` is the only topic prefix a response may
 * go to: a forged response topic must not make the node publish elsewhere. `allowed` is the
 * config's allow-list: a verb the node knows but does not answer is told apart from one it
 * does not know.
 */
export async function runCommand(request: CommandRequest, verbs: CommandVerbs, responseTree: string, allowed: readonly string[] = Object.keys(verbs)): Promise<CommandOutcome> {
  const checked = checkCommand(request, verbs, responseTree, allowed);
  if (!checked.ok) return checked;
  try {
    // Run on the next turn whether the verb is quick or slow, sync or async, throws or not: quick
    // verbs then answer in the order they were asked.
    const result = await Promise.resolve().then(() => checked.verb.run(checked.argument));
    return result ? { ok: true, result } : { ok: true };
  } catch (error) {
    if (error instanceof CommandRefusal) {
      const problems = error.problems?.slice(0, MAX_REPLY_PROBLEMS).map((problem) => ({ path: excerpt(problem.path, MAX_REASON_CHARS), message: excerpt(problem.message, MAX_REASON_CHARS) }));
      return { ok: false, kind: error.kind, error: excerpt(error.message, MAX_REASON_CHARS), ...(problems ? { problems } : {}) };
    }
    return { ok: false, kind: 'command-refused', error: excerpt(String((error as Error).message), MAX_REASON_CHARS) };
  }
}

/** Everything about a request that is decided before its verb runs: cheap, synchronous, the same for every verb. */
export function checkCommand(
  request: CommandRequest,
  verbs: CommandVerbs,
  responseTree: string,
  allowed: readonly string[],
): { ok: true; verb: CommandVerb<unknown>; argument: unknown } | (CommandOutcome & { ok: false }) {
  if (!Object.hasOwn(verbs, request.verb)) return { ok: false, kind: 'unknown-command', error: `unknown command "${excerpt(request.verb)}"; known: ${Object.keys(verbs).join(', ')}` };
  if (!allowed.includes(request.verb)) return { ok: false, kind: 'not-allowed', error: `command "${request.verb}" is not allowed on this node (commands.allow: ${allowed.join(', ') || 'none'})` };
  if (request.responseTopic !== undefined && !isSafeResponseTopic(request.responseTopic, responseTree)) {
    return { ok: false, kind: 'unsafe-response-topic', error: `response topic must be a plain topic under ${responseTree}reply/` };
  }
  const verb = verbs[request.verb]!;
  const maxBytes = verb.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
  if (request.payload.length > maxBytes) return { ok: false, kind: 'payload-too-large', error: `payload of ${request.payload.length} bytes exceeds ${maxBytes}` };
  let parsed: unknown = {};
  if (request.payload.length > 0) {
    try {
      parsed = JSON.parse(request.payload.toString('utf8'));
    } catch {
      return { ok: false, kind: 'payload-not-json', error: 'payload is not JSON' };
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, kind: 'payload-not-object', error: 'payload must be a JSON object' };
  }
  const argument = verb.argument.safeParse(parsed);
  if (!argument.success) {
    const problems = argument.error.issues.slice(0, MAX_REPLY_PROBLEMS).map((issue) => ({ path: excerpt(issuePath(issue.path), MAX_REASON_CHARS), message: excerpt(issueMessage(issue), MAX_REASON_CHARS) }));
    const first = problems[0]!;
    return { ok: false, kind: 'bad-argument', error: `bad argument: ${first.path || '(argument)'}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, problems };
  }
  return { ok: true, verb, argument: argument.data };
}

/** `sensor` or `filters[2].intervalMs`: the path the way configs report theirs. */
function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text === '' ? String(part) : `${text}.${String(part)}`), '');
}

/** Unknown keys are named (they came from the request: each quoted as an excerpt). */
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key(s) ${issue.keys.map((key) => `"${excerpt(key, 32)}"`).join(', ')}`;
  return issue.message;
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
