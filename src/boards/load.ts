import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { packageRoot } from '../package-root.js';
import { describeIssue, formatPath } from '../config/load.js';
import { ConfigError, type ConfigProblem } from '../core/errors.js';
import { boardProfileSchema, type BoardProfile } from './profile.js';

/** A profile together with the folder its sketches and samples live in. */
export type LoadedBoardProfile = BoardProfile & { readonly directory: string };

/** The shipped `boards/` folder: one sub-folder per profile. */
export function boardsDirectory(): string {
  return join(packageRoot(), 'boards');
}

/**
 * Parses and validates a profile's YAML. Throws a ConfigError listing every problem with its
 * path, so a profile is fixed in one round. `directory`, when given, is checked too: the id
 * matches the folder and every sketch and sample file exists.
 */
export function parseBoardProfile(text: string, source = 'board.yaml', directory?: string): BoardProfile {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const problems: ConfigProblem[] = document.errors.map((error) => ({
    path: error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '',
    message: (error.message.split('\n')[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, ''),
  }));
  const raw = document.toJS() as unknown;
  const result = boardProfileSchema.safeParse(raw, { reportInput: true });
  if (!result.success) problems.push(...result.error.issues.flatMap(describeIssue));
  if (directory !== undefined) problems.push(...checkFolder(raw, directory));
  if (problems.length > 0 || !result.success) throw new ConfigError(problems, source);
  return result.data;
}

/** Reads `boards/<id>/board.yaml` (or the same layout under another root, for tests). */
export function loadBoardProfile(id: string, root = boardsDirectory()): LoadedBoardProfile {
  const directory = join(root, id);
  const file = join(directory, 'board.yaml');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([{ path: '', message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }], file);
  }
  return { ...parseBoardProfile(text, file, directory), directory };
}

/**
 * Every profile under the boards folder, by id. One bad profile does not hide another: the
 * ConfigError lists the problems of all of them, each path prefixed by its file.
 */
export function listBoardProfiles(root = boardsDirectory()): LoadedBoardProfile[] {
  const ids = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'board.yaml')))
    .map((entry) => entry.name)
    .sort();
  const profiles: LoadedBoardProfile[] = [];
  const problems: ConfigProblem[] = [];
  for (const id of ids) {
    try {
      profiles.push(loadBoardProfile(id, root));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems.map((problem) => ({ path: problem.path ? `${id}/board.yaml ${problem.path}` : `${id}/board.yaml`, message: problem.message })));
    }
  }
  if (problems.length > 0) throw new ConfigError(problems, root);
  return profiles;
}

/**
 * The profiles whose USB ids match a port, so a port can be named as a board. Generic
 * USB-serial chips (CH340 1a86:7523, FTDI 0403:6001) sit on several boards: all of them are
 * returned, and the caller decides (or asks) which one it is. Ids are compared as hex,
 * whatever their case, padding or `0x` prefix.
 */
export function profileForUsb(vendorId: string | number, productId: string | number, profiles: readonly LoadedBoardProfile[] = listBoardProfiles()): LoadedBoardProfile[] {
  const vendor = normaliseUsbId(vendorId);
  const product = normaliseUsbId(productId);
  if (vendor === undefined || product === undefined) return [];
  return profiles.filter((profile) => profile.usb.some((usb) => usb.vendorId === vendor && usb.productId === product));
}

/** `0x2341`, `2341`, `0X2341` and 9025 all become `2341`; anything else is no id. */
export function normaliseUsbId(id: string | number): string | undefined {
  if (typeof id === 'number') return Number.isInteger(id) && id >= 0 && id <= 0xffff ? id.toString(16).padStart(4, '0') : undefined;
  const hex = id.trim().toLowerCase().replace(/^0x/, '');
  return /^[0-9a-f]{1,4}$/.test(hex) ? hex.padStart(4, '0') : undefined;
}

/** The id names its folder, and the files a profile points to are there. */
function checkFolder(raw: unknown, directory: string): ConfigProblem[] {
  const profile = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const problems: ConfigProblem[] = [];
  const folder = directory.split(/[\\/]/).filter(Boolean).pop();
  if (typeof profile['id'] === 'string' && profile['id'] !== folder) problems.push({ path: 'id', message: `"${profile['id']}" does not match its folder "${folder}"` });
  const files = (list: unknown, key: string, name: string) => {
    if (!Array.isArray(list)) return;
    list.forEach((entry: unknown, index) => {
      const file = (entry as Record<string, unknown> | null)?.[key];
      if (typeof file === 'string' && !existsSync(join(directory, file))) {
        problems.push({ path: formatPath([name, index, key]), message: `no file ${file} in ${folder}/` });
      }
    });
  };
  files(profile['sketches'], 'path', 'sketches');
  files(profile['samples'], 'file', 'samples');
  return problems;
}
