import { z } from 'zod';
import { configSchema } from './schema.js';

/** The config schema as JSON Schema, for editors (yaml-language-server) to autocomplete and check. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://fieldnode.dev/schema/fieldnode.schema.json',
    title: 'fieldnode node configuration (fieldnode.yaml)',
  };
}
