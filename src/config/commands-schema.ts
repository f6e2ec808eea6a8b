/**
 * `commands:` — which verbs this node answers over MQTT (`{prefix}/{site}/{node}/cmd/{verb}`).
 * The default answers the verbs that only look (`ping`, `read-now`, `get-config`) and
 * `rebirth`, which republishes what is already known. `set-interval` and `reload-config`
 * change what the node measures and sends: anyone who may publish to the node's command
 * topics could then silence or reshape its data, so they are answered only where the config
 * lists them, by someone who also controls the broker's ACL.
 */
import { z } from 'zod';

/** Every verb a node knows, in the order the README lists them. */
export const COMMAND_VERBS = ['ping', 'rebirth', 'read-now', 'get-config', 'set-interval', 'reload-config'] as const;
export type CommandVerbName = (typeof COMMAND_VERBS)[number];

/** Verbs that only read: answered unless the config says otherwise. */
export const DEFAULT_ALLOWED_VERBS: readonly CommandVerbName[] = ['ping', 'rebirth', 'read-now', 'get-config'];

export const commandsSchema = z.strictObject({
  allow: z
    .array(z.enum(COMMAND_VERBS))
    .default([...DEFAULT_ALLOWED_VERBS])
    .describe('verbs this node answers; set-interval and reload-config change the node and must be listed to be answered'),
});

export const commandsDefaults = { allow: [...DEFAULT_ALLOWED_VERBS] };

export type CommandsConfig = z.infer<typeof commandsSchema>;
