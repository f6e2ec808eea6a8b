/** Check 1: the config loads and validates (with its plugins), and the credentials it names can be read. */
import type { Catalog } from '../catalog/catalog.js';
import { readBrokerCredentials, type BrokerCredentials } from '../config/credentials.js';
import { loadConfigWithPlugins } from '../config/plugins.js';
import type { NodeConfig } from '../config/schema.js';
import { ConfigError } from '../core/errors.js';
import { fail, pass, reasonOf, type CheckResult } from './report.js';

/** A config the later checks can use, with its credentials, when it loaded. */
export interface LoadedSetup {
  readonly config: NodeConfig;
  readonly catalog: Catalog;
  readonly credentials: BrokerCredentials;
}

/** Loads the config and reads its credentials; `setup` is undefined when either failed. */
export async function checkConfig(configPath: string, catalog: Catalog, environment: NodeJS.ProcessEnv): Promise<{ results: CheckResult[]; setup?: LoadedSetup }> {
  let loaded: { config: NodeConfig; catalog: Catalog };
  try {
    loaded = await loadConfigWithPlugins(configPath, catalog);
  } catch (error) {
    return { results: [configFailure('config', configPath, error)] };
  }
  const { config } = loaded;
  const results = [pass('config', `${configPath}: node ${config.node.id} at ${config.node.site}, ${config.boards.length} board(s)`)];
  try {
    const credentials = readBrokerCredentials(config.broker, configPath, environment);
    results.push(pass('credentials', credentialSummary(config, credentials)));
    return { results, setup: { config, catalog: loaded.catalog, credentials } };
  } catch (error) {
    results.push(configFailure('credentials', configPath, error));
    return { results };
  }
}

/** Every problem with its path, so the technician fixes them all in one go. */
function configFailure(check: string, configPath: string, error: unknown): CheckResult {
  if (error instanceof ConfigError) {
    const problems = error.problems.map((problem) => (problem.path === '' ? problem.message : `${problem.path}: ${problem.message}`)).join('; ');
    // A file that cannot be read at all has one problem without a path.
    if (error.problems.every((problem) => problem.path === '')) return fail(check, problems, `give the path of the node's config (e.g. fieldnode doctor /etc/fieldnode/fieldnode.yaml) and check it is readable; the checks that need the config were skipped`);
    return fail(check, `${configPath}: ${error.problems.length} problem(s): ${problems}`, `fix each problem at its path (fieldnode validate ${configPath} lists them too); the checks that need the config were skipped`);
  }
  return fail(check, `cannot load ${configPath}: ${reasonOf(error)}`, `check the path and that the file is readable (fieldnode doctor /etc/fieldnode/fieldnode.yaml); the checks that need the config were skipped`);
}

function credentialSummary(config: NodeConfig, credentials: BrokerCredentials): string {
  const parts = [config.broker.username === undefined ? 'no username' : `user ${config.broker.username}`, credentials.password === undefined ? 'no password' : 'password read'];
  if (credentials.tls?.ca) parts.push('CA read');
  if (credentials.tls?.cert) parts.push('client certificate read');
  return parts.join(', ');
}
