/**
 * `fieldnode init` by flags: the answers a script gives, the defaults `--yes` accepts, and
 * the flags still missing when nobody can be asked.
 */
import type { BoardAnswer, PasswordAnswer } from './answers.js';
import { DEFAULT_DATA_DIR, DEFAULT_PASSWORD_ENV } from './answers.js';
import { checkBrokerUrl, checkDataDir, checkEnvName, checkIdentifier } from './checks.js';
import type { PresetAnswers } from './wizard.js';

/** The options commander hands the verb. */
export interface InitFlags {
  readonly nodeId?: string;
  readonly site?: string;
  readonly broker?: string;
  readonly username?: string;
  readonly passwordEnv?: string;
  readonly passwordFile?: string;
  readonly board?: string[];
  readonly dataDir?: string;
  readonly yes?: boolean;
  readonly force?: boolean;
}

/** A flag whose value cannot be used: a usage error, exit 64. */
export class FlagError extends Error {}

/** The answers the flags give, checked as the wizard checks them; `--yes` adds the defaults. */
export function presetFromFlags(flags: InitFlags, boards: readonly BoardAnswer[], hostId: string | undefined): PresetAnswers {
  const checked = (flag: string, value: string | undefined, check: (text: string) => string | undefined) => {
    if (value === undefined) return undefined;
    const problem = check(value);
    if (problem) throw new FlagError(`${flag} ${value}: ${problem}`);
    return value;
  };
  if (flags.passwordEnv !== undefined && flags.passwordFile !== undefined) throw new FlagError('give --password-env or --password-file, not both');
  const nodeId = checked('--node-id', flags.nodeId, checkIdentifier) ?? (flags.yes ? hostId : undefined);
  const password: PasswordAnswer | undefined =
    flags.passwordEnv !== undefined
      ? { env: checked('--password-env', flags.passwordEnv, checkEnvName)! }
      : flags.passwordFile !== undefined
        ? { file: checked('--password-file', flags.passwordFile, (path) => (path.startsWith('/') ? undefined : 'an absolute path'))! }
        : flags.yes
          ? { env: DEFAULT_PASSWORD_ENV }
          : undefined;
  return {
    nodeId,
    site: checked('--site', flags.site, checkIdentifier),
    brokerUrl: checked('--broker', flags.broker, checkBrokerUrl),
    username: flags.username ?? (flags.yes ? nodeId : undefined),
    password,
    boards: boards.length > 0 ? boards : undefined,
    dataDir: checked('--data-dir', flags.dataDir, checkDataDir) ?? (flags.yes ? DEFAULT_DATA_DIR : undefined),
  };
}

/** The flags a run without a terminal still needs, in the order of the questions. */
export function missingFlags(preset: PresetAnswers): string[] {
  const missing: string[] = [];
  if (preset.nodeId === undefined) missing.push('--node-id');
  if (preset.site === undefined) missing.push('--site');
  if (preset.brokerUrl === undefined) missing.push('--broker');
  if (preset.username === undefined) missing.push('--username');
  if (preset.password === undefined) missing.push('--password-env or --password-file');
  if (preset.boards === undefined) missing.push('--board');
  if (preset.dataDir === undefined) missing.push('--data-dir');
  return missing;
}
