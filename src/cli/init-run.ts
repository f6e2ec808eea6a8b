/**
 * What `fieldnode init` does once its flags are parsed: loaded only when init runs, since it
 * brings the wizard, port discovery and the doctor.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { listBoardProfiles } from '../boards/load.js';
import type { Catalog } from '../catalog/catalog.js';
import { validateConfig } from '../config/load.js';
import { FieldnodeError } from '../core/errors.js';
import type { InitAnswers } from '../init/answers.js';
import { BoardSpecError, boardFromSpec } from '../init/board-spec.js';
import { configYaml } from '../init/build.js';
import { brokerUrlAdvice } from '../init/checks.js';
import { FlagError, missingFlags, presetFromFlags, type InitFlags } from '../init/flags.js';
import { createPasswordFile } from '../init/password-file.js';
import { runDoctor } from '../doctor/run.js';
import { discoverPorts, type DiscoverOptions } from '../ports/discover.js';
import { InputEnded, Prompter } from '../init/prompt.js';
import { hostNodeId, runWizard } from '../init/wizard.js';
import { packageRoot } from '../package-root.js';
import { EXIT_USAGE, failWith } from './exit.js';

/** Writes the config `file` from the flags or the wizard's answers, then runs the doctor on it. */
export async function runInit(file: string, flags: InitFlags & { sysRoot?: string; devRoot?: string }, catalog: Catalog): Promise<void> {
  try {
    const target = resolve(file);
    if (existsSync(target) && !flags.force) throw new FieldnodeError(`${file} exists: give --force to replace it, or name another file`, 'INIT');
    const profiles = listBoardProfiles();
    const roots: DiscoverOptions = flags.sysRoot || flags.devRoot ? { sysRoot: flags.sysRoot, devRoot: flags.devRoot, useUdevadm: false } : {};
    const { ports, notes } = await discoverPorts({ ...roots, profiles });
    const boards = (flags.board ?? []).map((spec) => boardFromSpec(spec, catalog, ports, profiles));
    const preset = presetFromFlags(flags, boards, hostNodeId());
    let answers: InitAnswers;
    let passwordForFile: string | undefined;
    if (process.stdin.isTTY) {
      const prompt = new Prompter(process.stdin, process.stdout);
      try {
        ({ answers, passwordForFile } = await runWizard({ prompt, catalog, profiles, ports, notes, fileExists: existsSync }, preset));
      } finally {
        prompt.close();
      }
    } else {
      const missing = missingFlags(preset);
      if (missing.length > 0) throw new FlagError(`stdin is not a terminal, so nothing can be asked: give ${missing.join(', ')} (--yes takes the defaults of --node-id, --username, --password-env and --data-dir)`);
      answers = preset as InitAnswers;
      const advice = brokerUrlAdvice(answers.brokerUrl);
      if (advice) process.stderr.write(`fieldnode: ${advice}\n`);
      passwordForFile = answers.password && 'file' in answers.password && !existsSync(answers.password.file) ? passwordFromStdin(answers.password.file) : undefined;
    }
    const text = configYaml(answers, { schemaPath: schemaPathFrom(dirname(target)) });
    // What is written must validate: checked before anything touches the disk.
    const config = validateConfig(parse(text), file, catalog);
    if (passwordForFile !== undefined && answers.password && 'file' in answers.password) {
      const passwordFile = answers.password.file;
      explainedWrite(passwordFile, () => createPasswordFile(passwordFile, passwordForFile), 'a file is in the way');
    }
    explainedWrite(dirname(file), () => mkdirSync(dirname(target), { recursive: true }), 'a file is in the way of that folder');
    explainedWrite(file, () => writeFileSync(target, text, { flag: flags.force ? 'w' : 'wx' }));
    const sensors = config.boards.reduce((sum, board) => sum + board.sensors.length, 0);
    process.stdout.write(`\nwrote ${file} (node ${config.node.id} at ${config.node.site}, ${config.boards.length} board(s), ${sensors} sensor(s))\n`);
    if (passwordForFile !== undefined && answers.password && 'file' in answers.password) process.stdout.write(`wrote ${answers.password.file} (mode 600)\n`);
    await checkWritten(file, catalog);
  } catch (error) {
    if (error instanceof FlagError || error instanceof BoardSpecError) {
      process.stderr.write(`fieldnode: ${error.message}\n`);
      process.exit(EXIT_USAGE);
    }
    if (error instanceof InputEnded) {
      process.stderr.write('\nfieldnode: init stopped before the last question; nothing was written\n');
      process.exit(1);
    }
    failWith(error);
  }
}

/** Runs a file write; a refusal by the system (EACCES in /etc without sudo, EEXIST) is one line that says what to do. */
function explainedWrite(file: string, write: () => void, whenExists = 'it appeared meanwhile; give --force to replace it'): void {
  try {
    write();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    const advice = code === 'EACCES' || code === 'EPERM' ? ': run it with sudo, or write a file you own and move it' : code === 'EEXIST' || code === 'ENOTDIR' ? `: ${whenExists}` : '';
    throw new FieldnodeError(`cannot write ${file} (${code})${advice}`, 'INIT', { cause: error });
  }
}

/** The shipped JSON Schema, relative to the config's folder, for the editor's YAML language server. */
function schemaPathFrom(directory: string): string {
  const path = relative(directory, join(packageRoot(), 'schema', 'fieldnode.schema.json'));
  return path.startsWith('.') || path.startsWith('/') ? path : `./${path}`;
}

/** A password piped in by a provisioning script: the first line of stdin. */
function passwordFromStdin(file: string): string {
  const line = readFileSync(0, 'utf8').split(/\r?\n/)[0] ?? '';
  if (line === '') throw new FlagError(`--password-file ${file} does not exist: pipe the password on stdin to create it, or create it (mode 600) first`);
  return line;
}

/** Runs the doctor on the new config: what the file cannot show (ports, broker, clock) is checked at once. */
async function checkWritten(file: string, catalog: Catalog): Promise<void> {
  process.stdout.write(`\nchecking it (fieldnode doctor ${file}):\n`);
  const { ok } = await runDoctor(file, { catalog, write: (line) => process.stdout.write(`${line}\n`) });
  if (!ok) process.stdout.write(`\nthe config is written; fix what the doctor found above, then run \`fieldnode doctor ${file}\` again\n`);
}
