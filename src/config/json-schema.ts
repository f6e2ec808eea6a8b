import { z } from 'zod';
import { hardwareCatalog, type Catalog } from '../catalog/catalog.js';
import { documentedConfigSchemaFor } from './schema.js';

/** The config schema as JSON Schema, for editors (yaml-language-server) to autocomplete and check. */
export function configJsonSchema(catalog: Catalog = hardwareCatalog): Record<string, unknown> {
  return {
    ...z.toJSONSchema(documentedConfigSchemaFor(catalog), { io: 'input', unrepresentable: 'any', reused: 'ref' }),
    $id: 'https://fieldnode.dev/schema/fieldnode.schema.json',
    title: 'fieldnode node configuration (fieldnode.yaml)',
  };
}
