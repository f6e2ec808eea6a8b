import { createRequire } from 'node:module';
import { describeNeeding } from './needs.js';

const requireFromHere = createRequire(import.meta.url);

function loads(name: string): boolean {
  try {
    requireFromHere(name);
    return true;
  } catch {
    return false;
  }
}

/** A describe block that needs an optional native module (i2c-bus, node-libgpiod): see describeNeeding. */
export function describeWithOptionalModule(name: string, install: string, title: string, body: () => void): void {
  describeNeeding(loads(name), name, `${name} is not installed or does not load (${install})`, title, body);
}
