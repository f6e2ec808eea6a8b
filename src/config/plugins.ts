/**
 * Driver packages from outside the tree: a config's `plugins` names them (npm names, or paths
 * relative to the config), and each exports drivers and twins through the same interfaces as
 * the built-in ones. They join the catalog before the config is validated, so validation, the
 * JSON Schema, `run` and `simulate` see them as they see the built-in ones.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Catalog } from '../catalog/catalog.js';
import type { TwinDefinition } from '../catalog/twin.js';
import type { ConfigProblem } from '../core/errors.js';
import type { DriverDefinition } from '../drivers/driver.js';
import { asArray, asRecord } from './cross-check.js';
import { parseText } from './document.js';
import { parseConfig, readConfigText } from './load.js';
import { ConfigProblemList } from './problem-list.js';
import type { NodeConfig } from './schema.js';

/** What a driver package exports, as `fieldnodePlugin` or as its default export. */
export interface FieldnodePlugin {
  readonly drivers?: Readonly<Record<string, DriverDefinition>>;
  readonly twins?: Readonly<Record<string, TwinDefinition>>;
}

/** Reads a config file, loads the plugins it names into `base`, and validates it against the result. */
export async function loadConfigWithPlugins(path: string, base: Catalog): Promise<{ config: NodeConfig; catalog: Catalog }> {
  // Read once: the plugins it names come first, then the whole text is checked against them.
  return parseConfigWithPlugins(readConfigText(path), path, base, dirname(resolve(path)));
}

/** Config text (YAML or JSON) validated against `base` and the plugins it names, found from `fromDirectory`. */
export async function parseConfigWithPlugins(text: string, source: string, base: Catalog, fromDirectory: string): Promise<{ config: NodeConfig; catalog: Catalog }> {
  const catalog = await withPlugins(base, pluginsNamedIn(text), fromDirectory, source);
  return { config: parseConfig(text, source, catalog), catalog };
}

/** The `plugins` list of a config's text; nothing when it does not parse (validation then says why). */
function pluginsNamedIn(text: string): string[] {
  const parsed = parseText(text, ['plugins']);
  if ('fatal' in parsed) return [];
  return asArray(asRecord(parsed.raw)?.['plugins']).filter((name): name is string => typeof name === 'string');
}

/** `base` with each named package's drivers and twins; a package that is missing or malformed is a config problem. */
export async function withPlugins(base: Catalog, names: readonly string[], fromDirectory: string, source = 'config'): Promise<Catalog> {
  // The same catalog when there is nothing to add, so its schemas, built once per catalog, are reused.
  if (names.length === 0) return base;
  let drivers = { ...base.drivers };
  let twins = { ...base.twins };
  const problems: ConfigProblem[] = [];
  for (const [index, name] of names.entries()) {
    const path = `plugins[${index}]`;
    let plugin: FieldnodePlugin;
    try {
      const module = (await import(entryUrl(name, fromDirectory))) as Record<string, unknown>;
      plugin = (module['fieldnodePlugin'] ?? module['default']) as FieldnodePlugin;
    } catch (error) {
      problems.push({ path, message: `cannot load ${name}: ${(error as Error).message.split('\n')[0]}` });
      continue;
    }
    const found = checkPlugin(plugin, drivers, twins);
    if (found.length > 0) {
      problems.push(...found.map((message) => ({ path, message: `${name}: ${message}` })));
      continue;
    }
    drivers = { ...drivers, ...plugin.drivers };
    twins = { ...twins, ...plugin.twins };
  }
  if (problems.length > 0) throw new ConfigProblemList(problems, source);
  return { ...base, drivers, twins };
}

/** What is wrong with a plugin's exports, in words; nothing when it can join the catalog. */
function checkPlugin(plugin: FieldnodePlugin | undefined, drivers: Catalog['drivers'], twins: Catalog['twins']): string[] {
  if (typeof plugin !== 'object' || plugin === null) return ['exports no fieldnodePlugin (nor a default export) with drivers and twins'];
  const problems: string[] = [];
  for (const [key, driver] of Object.entries(plugin.drivers ?? {})) {
    if (Object.hasOwn(drivers, key)) problems.push(`driver ${key} is already known`);
    if (driver?.type !== key) problems.push(`driver ${key} must have type "${key}"`);
    if (!['bytes', 'pins', 'host'].includes(driver?.link)) problems.push(`driver ${key} must declare link: bytes, pins or host`);
    if (typeof driver?.create !== 'function' || typeof driver.deviceShape !== 'object' || typeof driver.sensorShape !== 'object') problems.push(`driver ${key} needs deviceShape, sensorShape and create()`);
    if (driver?.link === 'bytes' && typeof driver.defaultBaud !== 'number') problems.push(`driver ${key} talks bytes: it needs defaultBaud`);
  }
  for (const [key, twin] of Object.entries(plugin.twins ?? {})) {
    if (Object.hasOwn(twins, key)) problems.push(`twin ${key} is already known`);
    if (twin?.device !== key) problems.push(`twin ${key} must have device "${key}"`);
    if (typeof twin?.create !== 'function' || typeof twin.optionsShape !== 'object' || twin.readBy === undefined) problems.push(`twin ${key} needs optionsShape, readBy and create()`);
  }
  return problems;
}

/**
 * Where a plugin's module is: a path (relative to the config) to a file or a package folder,
 * or a package name found in a node_modules above the config, else beside fieldnode itself.
 */
function entryUrl(name: string, fromDirectory: string): string {
  if (name.startsWith('.') || isAbsolute(name)) {
    const path = resolve(fromDirectory, name);
    return pathToFileURL(isDirectory(path) ? packageEntry(path) : path).href;
  }
  for (let directory = fromDirectory; ; directory = dirname(directory)) {
    const candidate = join(directory, 'node_modules', name);
    if (isDirectory(candidate)) return pathToFileURL(packageEntry(candidate)).href;
    if (dirname(directory) === directory) return name;
  }
}

/** A package folder's ES module entry: `exports` (import or default condition), else `main`, else index.js. */
function packageEntry(folder: string): string {
  const manifest = join(folder, 'package.json');
  const pkg = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown; main?: string }) : {};
  let entry: unknown = pkg.exports;
  if (typeof entry === 'object' && entry !== null && '.' in entry) entry = (entry as Record<string, unknown>)['.'];
  if (typeof entry === 'object' && entry !== null) entry = (entry as Record<string, unknown>)['import'] ?? (entry as Record<string, unknown>)['default'];
  return join(folder, typeof entry === 'string' ? entry : (pkg.main ?? 'index.js'));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
