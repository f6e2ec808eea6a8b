import { Argument, type Command, type Option } from 'commander';
import type { LoadComposition } from './composition.js';
import { failWith } from './exit.js';
import { FieldnodeError } from '../core/errors.js';

/** What a value (an option's or a positional argument's) completes to. */
type Values = { readonly kind: 'files' | 'directories' | 'none' } | { readonly kind: 'words'; readonly words: readonly string[] };

/** One option of a verb, as both shells need it. */
interface OptionSpec {
  readonly names: readonly string[];
  readonly description: string;
  /** Absent for a flag. */
  readonly value?: { readonly name: string; readonly values: Values };
  readonly repeatable: boolean;
}

/** One verb: its options and positional arguments. */
interface VerbSpec {
  readonly name: string;
  readonly description: string;
  readonly options: readonly OptionSpec[];
  readonly arguments: readonly { readonly name: string; readonly required: boolean; readonly variadic: boolean; readonly values: Values }[];
}

/** Characters a completion word may hold without quoting in either shell; anything else is left out. */
const SAFE_WORD = /^[A-Za-z0-9_.,:+@%/=-]+$/;

const HELP: OptionSpec = { names: ['-h', '--help'], description: 'display help for command', repeatable: false };

/**
 * What a value named `name` completes to. Names are the ones the verbs print in their help,
 * so a new verb with a `<file>` argument completes files with no change here.
 */
function valuesFor(name: string, choices: readonly string[] | undefined, devices: readonly string[]): Values {
  if (choices !== undefined) return { kind: 'words', words: choices.filter((word) => SAFE_WORD.test(word)) };
  if (name === 'device') return { kind: 'words', words: devices.filter((word) => SAFE_WORD.test(word)) };
  if (/dir/i.test(name)) return { kind: 'directories' };
  if (/file|config|path/i.test(name)) return { kind: 'files' };
  return { kind: 'none' };
}

/** The verbs as the program has them now: read at run time, so a new verb is completed as soon as it is registered. */
function verbSpecs(program: Command, devices: readonly string[]): VerbSpec[] {
  const option = (spec: Option): OptionSpec => {
    const valueName = /[<[]([^>\]]+)[>\]]/.exec(spec.flags)?.[1];
    return {
      names: [spec.short, spec.long].filter((name): name is string => name !== undefined),
      description: spec.description,
      value: valueName === undefined ? undefined : { name: valueName, values: valuesFor(valueName, spec.argChoices, devices) },
      repeatable: Array.isArray(spec.defaultValue) || spec.variadic,
    };
  };
  const verbs = program.commands.map((command) => ({
    name: command.name(),
    description: command.description(),
    options: [...command.options.filter((spec) => !spec.hidden).map(option), HELP],
    arguments: command.registeredArguments.map((argument: Argument) => ({ name: argument.name(), required: argument.required, variadic: argument.variadic, values: valuesFor(argument.name(), argument.argChoices, devices) })),
  }));
  const help: VerbSpec = { name: 'help', description: 'display help for command', options: [], arguments: [{ name: 'command', required: false, variadic: false, values: { kind: 'words', words: verbs.map((verb) => verb.name) } }] };
  return [...verbs, help].filter((verb) => SAFE_WORD.test(verb.name));
}

/** A bash word list, every word checked safe. */
const wordList = (words: readonly string[]) => words.filter((word) => SAFE_WORD.test(word)).join(' ');

/** The bash statement that fills COMPREPLY with `values`. */
function bashValues(values: Values): string {
  switch (values.kind) {
    case 'files':
      return '_fieldnode_files -f';
    case 'directories':
      return '_fieldnode_files -d';
    case 'words':
      return `COMPREPLY=($(compgen -W "${wordList(values.words)}" -- "$cur"))`;
    case 'none':
      return 'COMPREPLY=()';
  }
}

/** A bash completion function, `_fieldnode`, and its `complete` line. */
export function bashScript(program: Command, devices: readonly string[]): string {
  const verbs = verbSpecs(program, devices);
  const topWords = wordList([...verbs.map((verb) => verb.name), ...program.options.flatMap((spec) => [spec.short, spec.long].filter((name): name is string => name !== undefined)), '-h', '--help']);
  const valueOptions = verbs.flatMap((verb) => verb.options.filter((spec) => spec.value).flatMap((spec) => spec.names.map((name) => ({ verb: verb.name, name, values: spec.value!.values }))));
  const lines = [
    '# bash completion for fieldnode: source <(fieldnode completion bash), or save it in /etc/bash_completion.d/fieldnode',
    '_fieldnode_files() {',
    '  compopt -o filenames 2>/dev/null',
    "  local IFS=$'\\n'",
    '  COMPREPLY=($(compgen "$1" -- "$cur"))',
    '}',
    '_fieldnode() {',
    '  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}',
    '  local verb="" position=0 i word',
    '  COMPREPLY=()',
    // Find the verb, then count the positional words before the cursor, skipping options and their values.
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    '    word=${COMP_WORDS[i]}',
    '    if [[ -z $verb ]]; then [[ $word != -* ]] && verb=$word; continue; fi',
    '    case "$verb $word" in',
    ...(valueOptions.length > 0 ? [`      ${valueOptions.map((entry) => `"${entry.verb} ${entry.name}"`).join('|')}) ((i++)) ;;`] : []),
    '      "$verb "-*) ;;',
    '      *) ((position++)) ;;',
    '    esac',
    '  done',
    '  if [[ -z $verb ]]; then',
    `    COMPREPLY=($(compgen -W "${topWords}" -- "$cur"))`,
    '    return 0',
    '  fi',
    '  case "$verb $prev" in',
    ...valueOptions.map((entry) => `    "${entry.verb} ${entry.name}") ${bashValues(entry.values)}; return 0 ;;`),
    '  esac',
    '  if [[ $cur == -* ]]; then',
    '    case $verb in',
    ...verbs.map((verb) => `      ${verb.name}) COMPREPLY=($(compgen -W "${wordList(verb.options.flatMap((spec) => spec.names))}" -- "$cur")) ;;`),
    '    esac',
    '    return 0',
    '  fi',
    '  case $verb in',
    ...verbs.flatMap((verb) => {
      const last = verb.arguments.length - 1;
      if (last < 0 || !verb.arguments[last]!.variadic) return [];
      return [`    ${verb.name}) ((position > ${last})) && position=${last} ;;`];
    }),
    '  esac',
    '  case "$verb $position" in',
    ...verbs.flatMap((verb) => verb.arguments.map((argument, index) => `    "${verb.name} ${index}") ${bashValues(argument.values)} ;;`)),
    '  esac',
    '  return 0',
    '}',
    'complete -F _fieldnode fieldnode',
  ];
  return `${lines.join('\n')}\n`;
}

/** Text inside a zsh single-quoted word. */
const zshQuoted = (text: string) => text.replace(/'/g, `'\\''`);
/** An `_arguments` explanation: brackets and backslashes escaped. */
const zshExplanation = (text: string) => zshQuoted(text.replace(/\\/g, '\\\\').replace(/([[\]])/g, '\\$1'));
/** An `_arguments` message: it ends at the next colon. */
const zshMessage = (text: string) => zshQuoted(text.replace(/:/g, ' ')) || 'value';

function zshAction(values: Values): string {
  switch (values.kind) {
    case 'files':
      return '_files';
    case 'directories':
      return '_files -/';
    case 'words':
      return `(${wordList(values.words)})`;
    case 'none':
      return ' ';
  }
}

/** A zsh completion function, `_fieldnode`, usable from $fpath or sourced. */
export function zshScript(program: Command, devices: readonly string[]): string {
  const verbs = verbSpecs(program, devices);
  const topOptions = wordList(program.options.flatMap((spec) => [spec.short, spec.long].filter((name): name is string => name !== undefined)));
  const specs = (verb: VerbSpec) => [
    ...verb.options.flatMap((spec) =>
      spec.names.map((name) => {
        const value = spec.value ? `:${zshMessage(spec.value.name)}:${zshAction(spec.value.values)}` : '';
        return `'${spec.repeatable ? '*' : ''}${name}[${zshExplanation(spec.description)}]${value}'`;
      }),
    ),
    ...verb.arguments.map((argument, index) => `'${argument.variadic ? '*' : `${index + 1}${argument.required ? '' : ':'}`}:${zshMessage(argument.name)}:${zshAction(argument.values)}'`),
  ];
  const lines = [
    '#compdef fieldnode',
    '# zsh completion for fieldnode: source <(fieldnode completion zsh), or save it as _fieldnode in a folder of $fpath',
    '_fieldnode() {',
    '  local -a verbs',
    '  verbs=(',
    ...verbs.map((verb) => `    '${verb.name}:${zshQuoted(verb.description)}'`),
    '  )',
    '  if (( CURRENT == 2 )); then',
    `    if [[ $PREFIX == -* ]]; then compadd -- ${topOptions} -h --help; else _describe -t commands 'fieldnode command' verbs; fi`,
    '    return',
    '  fi',
    '  local verb=$words[2]',
    '  shift words',
    '  (( CURRENT-- ))',
    '  case $verb in',
    ...verbs.flatMap((verb) => [`    (${verb.name})`, `      _arguments -s ${specs(verb).join(' \\\n        ')}`, '      ;;']),
    '  esac',
    '}',
    'if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _fieldnode "$@"; else compdef _fieldnode fieldnode; fi',
  ];
  return `${lines.join('\n')}\n`;
}

/** `fieldnode completion bash|zsh`: a shell completion script, generated from the verbs this program has. */
export function registerCompletion(program: Command, load: LoadComposition): void {
  program
    .command('completion')
    .description('print a shell completion script: source <(fieldnode completion bash)')
    .addArgument(new Argument('<shell>', 'the shell to complete in').choices(['bash', 'zsh']))
    .action(async (shell: 'bash' | 'zsh') => {
      try {
        const devices = Object.keys((await load()).catalog.twins);
        process.stdout.write(shell === 'bash' ? bashScript(program, devices) : zshScript(program, devices));
      } catch (error) {
        failWith(error instanceof FieldnodeError ? error : new FieldnodeError(`cannot write the completion script: ${(error as Error).message}`, 'OUTPUT'));
      }
    });
}
