/**
 * Ids and names end up in MQTT topic levels and SenML names, so they are limited to
 * characters both accept (RFC 8428 §4.5.1; no `/`, `+` or `#` inside a topic level). Apart
 * from the config's schema, so that a command line can check a name without loading zod.
 */
export const IDENTIFIER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** What a name that breaks the pattern is told. */
export const IDENTIFIER_RULE = 'use 1-64 letters, digits, "-", "_" or "." starting with a letter or digit';
