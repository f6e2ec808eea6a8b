/**
 * The `homeassistant:` section of the config: Home Assistant MQTT discovery, off unless present.
 * It lives with the config so that the config never imports the publisher's folder.
 */
import { z } from 'zod';

/** A topic of one or more levels without wildcards, as Home Assistant's discovery prefix is. */
const topicLevels = z
  .string()
  .regex(/^[^/+#\s]+(\/[^/+#\s]+)*$/, 'a topic such as homeassistant: levels separated by "/", without "+", "#" or spaces');

/** The `homeassistant:` section: retained discovery configs per sensor and a JSON state topic per board. */
export const homeassistantSchema = z.strictObject({
  discoveryPrefix: topicLevels.default('homeassistant').describe("Home Assistant's MQTT discovery prefix (its MQTT integration setting)"),
  nodeName: z.string().trim().min(1).max(64).optional().describe('the name Home Assistant shows for this node (default: the node id); its boards are "<nodeName> <board>"'),
  expireAfterSeconds: z
    .number()
    .int()
    .min(1)
    .max(86_400 * 7)
    .optional()
    .describe('a sensor not updated for this long shows unavailable; keep it above the slowest sensor interval (default: never)'),
});

/** A validated `homeassistant:` section, defaults filled in. */
export type HomeAssistantConfig = z.infer<typeof homeassistantSchema>;

/** Discovery topic levels allow letters, digits, `_` and `-` (Home Assistant's discovery documentation). */
export function discoveryId(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** The key of a board's state message that carries the time of its newest reading. */
export const STATE_TIME_KEY = 'time';
