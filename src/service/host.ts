/**
 * What installing a service does to the host, as steps that can be printed (a dry run),
 * recorded (tests) or carried out: files written, directories made, commands run.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { FieldnodeError } from '../core/errors.js';

/** One thing done to the host. */
export type HostStep =
  | { readonly kind: 'mkdir'; readonly path: string; readonly mode: number }
  | { readonly kind: 'write'; readonly path: string; readonly mode: number; readonly content: string }
  | { readonly kind: 'remove'; readonly path: string }
  | { readonly kind: 'run'; readonly argv: readonly string[] };

/** Runs a command to completion; a non-zero status is returned, not thrown. */
export type CommandRunner = (argv: readonly string[]) => { readonly status: number; readonly output: string };

/** Runs commands for real, their output captured for the failure message. */
export const systemCommandRunner: CommandRunner = (argv) => {
  const [command, ...args] = argv;
  const result = spawnSync(command!, args, { encoding: 'utf8' });
  if (result.error) return { status: 127, output: (result.error as NodeJS.ErrnoException).code ?? result.error.message };
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}`.trim() };
};

/** Users and groups of the host, by name (injectable: tests must not depend on the machine's accounts). */
export interface Accounts {
  /** The user's uid; undefined when there is no such user. */
  userId(name: string): number | undefined;
  groupExists(name: string): boolean;
}

/** The id field of the `name` entry of /etc/passwd or /etc/group. */
function idIn(file: string, name: string): number | undefined {
  try {
    const entry = readFileSync(file, 'utf8').split('\n').find((line) => line.split(':')[0] === name);
    return entry === undefined ? undefined : Number(entry.split(':')[2]);
  } catch {
    return undefined;
  }
}

/** The host's local accounts (/etc/passwd, /etc/group), where useradd puts system users. */
export const localAccounts: Accounts = {
  userId: (name) => idIn('/etc/passwd', name),
  groupExists: (name) => idIn('/etc/group', name) !== undefined,
};

/** A step as a dry run prints it: files in full, commands as a shell would take them. */
export function describeStep(step: HostStep): string {
  switch (step.kind) {
    case 'mkdir':
      return `create directory ${step.path} (mode ${step.mode.toString(8)})`;
    case 'remove':
      return `remove ${step.path}`;
    case 'run':
      return `run: ${shellLine(step.argv)}`;
    case 'write':
      return `write ${step.path} (mode ${step.mode.toString(8)}):\n${step.content.replace(/\n$/, '').split('\n').map((line) => `    ${line}`).join('\n')}`;
  }
}

/** A command line as it would be typed. */
export function shellLine(argv: readonly string[]): string {
  return argv.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`)).join(' ');
}

/** Carries out one step; a failed command is an explained failure naming it. */
export function applyStep(step: HostStep, run: CommandRunner): void {
  switch (step.kind) {
    case 'mkdir':
      mkdirSync(step.path, { recursive: true, mode: step.mode });
      return;
    case 'remove':
      if (existsSync(step.path)) rmSync(step.path);
      return;
    case 'write':
      writeFileSync(step.path, step.content, { mode: step.mode });
      // The mode given to writeFileSync applies only to a new file, and the umask trims it.
      chmodSync(step.path, step.mode);
      return;
    case 'run': {
      const { status, output } = run(step.argv);
      if (status !== 0) throw new FieldnodeError(`\`${shellLine(step.argv)}\` failed (exit status ${status})${output ? `: ${output}` : ''}`, 'SERVICE');
    }
  }
}
