/**
 * Where a reload gets its config, checked exactly as `fieldnode run` checks a file: the same
 * parser, the same plugins, the same cross-checks, every problem with its path.
 */
import { dirname, resolve } from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { validateConfig } from '../config/load.js';
import { parseConfigWithPlugins } from '../config/plugins.js';
import { readConfigText } from '../config/load.js';
import type { NodeConfig } from '../config/schema.js';

export interface ConfigSource {
  /** The file the node was started from, read again; undefined when it was not started from a file. */
  readonly path?: string | undefined;
  /** Reads and validates the file again. */
  fromFile(): Promise<NodeConfig>;
  /** Validates a config sent as text (YAML, or JSON, which YAML reads too), loading the plugins it names. */
  fromText(text: string): Promise<NodeConfig>;
  /** Validates a config derived from the running one (a changed interval). */
  fromObject(raw: unknown): NodeConfig;
}

export interface ConfigSourceOptions {
  /** The file `fieldnode run` was given. */
  readonly path?: string | undefined;
  /** The catalog before any plugin (plugins named by the config join it, as at start). */
  readonly base: Catalog;
  /** The catalog the running config was validated with (its plugins included). */
  readonly catalog: Catalog;
  /**
   * What the command line changed in the file's config (a trial run's broker and outbox
   * directory): applied to every reloaded config too, so a reload of the same file is no change.
   */
  readonly adjust?: (config: NodeConfig) => NodeConfig;
}

export function configSource(options: ConfigSourceOptions): ConfigSource {
  const adjust = options.adjust ?? ((config: NodeConfig) => config);
  // Plugins are named relative to the config file, else to where the node was started.
  const directory = options.path ? dirname(resolve(options.path)) : process.cwd();
  return {
    path: options.path,
    fromFile: async () => {
      if (!options.path) throw new Error('this node was not started from a config file: send the config as text in "config"');
      return adjust((await parseConfigWithPlugins(readConfigText(options.path), options.path, options.base, directory)).config);
    },
    fromText: async (text) => adjust((await parseConfigWithPlugins(text, 'reload-config', options.base, directory)).config),
    fromObject: (raw) => validateConfig(raw, 'set-interval', options.catalog),
  };
}
