/** The `http:` section's shape, kept with the rest of the config so the config never imports this folder. */
export { httpSchema, type HttpConfig } from '../config/http-schema.js';
