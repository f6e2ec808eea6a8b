/**
 * The questions of `fieldnode init` at a terminal, in the order a technician provisions a
 * gateway: who the node is, where its readings go, what is plugged in, where data is kept.
 * What flags already answered is not asked again.
 */
import { hostname } from 'node:os';
import type { Catalog } from '../catalog/catalog.js';
import type { LoadedBoardProfile } from '../boards/load.js';
import { validateConfig } from '../config/load.js';
import { ConfigError } from '../core/errors.js';
import type { DriverDefinition } from '../drivers/driver.js';
import { DEFAULT_DATA_DIR, DEFAULT_PASSWORD_ENV, DEFAULT_PASSWORD_FILE, type BoardAnswer, type InitAnswers, type PasswordAnswer, type SensorAnswer } from './answers.js';
import { configFromAnswers } from './build.js';
import { brokerUrlAdvice, checkBrokerUrl, checkDataDir, checkEnvName, checkIdentifier } from './checks.js';
import type { DiscoveredPort } from '../ports/discover.js';
import { readmeSampleSensors } from './driver-samples.js';
import { defaultBaud, driversForPort, portLine, preferredPath, recognisedAs } from './port-offers.js';
import { indexIn, type Prompter } from './prompt.js';
import { keyedDefaults, parseOptionValue, sensorPlanFor } from './sensor-choices.js';

/** What the wizard found out; `password` is set when a password file is to be created with it. */
export interface WizardResult {
  readonly answers: InitAnswers;
  readonly passwordForFile?: string | undefined;
}

/** Answers given on the command line, each question skipped when present. */
export type PresetAnswers = Partial<Omit<InitAnswers, 'boards'>> & { readonly boards?: readonly BoardAnswer[] | undefined };

/** What the wizard works with. */
export interface WizardContext {
  readonly prompt: Prompter;
  readonly catalog: Catalog;
  readonly profiles: readonly LoadedBoardProfile[];
  readonly ports: readonly DiscoveredPort[];
  readonly notes: readonly string[];
  /** Whether a password file already exists at a path (then it is kept, not rewritten). */
  readonly fileExists: (path: string) => boolean;
}

/** A node id from the machine's name, when it makes one. */
export function hostNodeId(): string | undefined {
  const name = hostname().split('.')[0] ?? '';
  return checkIdentifier(name) === undefined ? name : undefined;
}

/** Asks every question the presets leave open. */
export async function runWizard(context: WizardContext, preset: PresetAnswers = {}): Promise<WizardResult> {
  const { prompt } = context;
  prompt.say('fieldnode init: a few questions, then a config file. Enter takes the answer in [brackets].\n');
  const nodeId = preset.nodeId ?? (await prompt.ask('Node id (in topics and SenML names)', { default: hostNodeId(), check: checkIdentifier }));
  const site = preset.site ?? (await prompt.ask('Site (the topic level above the node)', { check: checkIdentifier }));
  const brokerUrl = preset.brokerUrl ?? (await askBrokerUrl(prompt));
  const username = preset.username ?? ((await prompt.ask('Broker username (Enter "-" for none)', { default: nodeId })) || undefined);
  const { password, passwordForFile } = preset.password ? { password: preset.password, passwordForFile: undefined } : await askPassword(context, username === '-' ? undefined : username);
  const boards = preset.boards && preset.boards.length > 0 ? preset.boards : await askBoards(context);
  const dataDir = preset.dataDir ?? (await prompt.ask('Data directory (outbox and boot counter)', { default: DEFAULT_DATA_DIR, check: checkDataDir }));
  const answers: InitAnswers = { nodeId, site, brokerUrl, username: username === '-' ? undefined : username, password, boards, dataDir };
  return { answers, passwordForFile };
}

async function askBrokerUrl(prompt: Prompter): Promise<string> {
  prompt.say('The broker: mqtts://host:8883 for TLS (the usual over a mobile link), mqtt://host:1883 on a trusted network.');
  const url = await prompt.ask('Broker URL', { check: checkBrokerUrl });
  const advice = brokerUrlAdvice(url);
  if (advice) prompt.say(`  ${advice}`);
  return url;
}

async function askPassword(context: WizardContext, username: string | undefined): Promise<{ password?: PasswordAnswer; passwordForFile?: string }> {
  const { prompt } = context;
  prompt.say('The broker password is never written in the config. It comes from:');
  const sources = ['an environment variable (set by the service unit)', 'a file only the node user can read (created now, mode 600)', 'nowhere: the broker takes clients without a password'];
  sources.forEach((source, index) => prompt.say(`  ${index + 1}. ${source}`));
  const choice = await prompt.choose('Password from', sources, username === undefined ? 2 : 0);
  if (choice === 2) return {};
  if (choice === 0) return { password: { env: await prompt.ask('Environment variable', { default: DEFAULT_PASSWORD_ENV, check: checkEnvName }) } };
  const file = await prompt.ask('Password file', { default: DEFAULT_PASSWORD_FILE, check: (path) => (path.startsWith('/') ? undefined : 'an absolute path') });
  if (context.fileExists(file)) {
    prompt.say(`  ${file} exists: it is kept as it is (it must be mode 600)`);
    return { password: { file } };
  }
  for (;;) {
    const first = await prompt.ask('Password (not shown)', { secret: true });
    const again = await prompt.ask('The same again', { secret: true });
    if (first === again) return { password: { file }, passwordForFile: first };
    prompt.say('  the two differ; once more');
  }
}

async function askBoards(context: WizardContext): Promise<BoardAnswer[]> {
  const { prompt, ports } = context;
  for (const note of context.notes) prompt.say(`  (${note})`);
  if (ports.length === 0) prompt.say('No serial ports found. Plug in the USB adapter or board, or type the port path.');
  else {
    prompt.say('Serial ports found:');
    ports.forEach((port, index) => prompt.say(`  ${index + 1}. ${portLine(port)}`));
  }
  const chosen = await prompt.ask(ports.length === 0 ? 'Port path' : 'Ports with a device (numbers or paths, comma-separated)', {
    // A recognised USB device is most likely what was just plugged in; an on-board UART may not be.
    default: ports.length === 0 ? undefined : defaultPorts(ports),
    check: (text) => (text.split(',').every((item) => indexIn(ports.map(preferredPath), item.trim()) !== undefined || item.trim().startsWith('/dev/')) ? undefined : 'numbers from the list, or /dev/... paths'),
  });
  const boards: BoardAnswer[] = [];
  for (const item of chosen.split(',').map((text) => text.trim())) {
    const index = indexIn(ports.map(preferredPath), item);
    boards.push(await askBoard(context, index === undefined ? item : ports[index]!, boards));
  }
  return boards;
}

function defaultPorts(ports: readonly DiscoveredPort[]): string {
  const recognised = ports.flatMap((port, index) => (port.identifiedAs.length > 0 ? [index + 1] : []));
  return (recognised.length > 0 ? recognised : ports.map((_, index) => index + 1)).join(',');
}

async function askBoard(context: WizardContext, port: DiscoveredPort | string, earlier: readonly BoardAnswer[]): Promise<BoardAnswer> {
  const { prompt, catalog, profiles } = context;
  const discovered = typeof port === 'string' ? undefined : port;
  const path = typeof port === 'string' ? port : preferredPath(port);
  prompt.say(`\n${path}${discovered && recognisedAs(discovered) ? ` (${recognisedAs(discovered)})` : ''}: what device is on it?`);
  const drivers = driversForPort(discovered, catalog, profiles);
  drivers.forEach((driver, index) => prompt.say(`  ${index + 1}. ${driver.type}: ${driver.summary}`));
  const driver = drivers[await prompt.choose('Device type', drivers.map((candidate) => candidate.type))]!;
  const offeredBaud = defaultBaud(driver, discovered, profiles);
  const baudText = await prompt.ask('Baud rate', { default: offeredBaud === undefined ? undefined : String(offeredBaud), optional: offeredBaud === undefined, check: (text) => (/^[1-9]\d*$/.test(text) ? undefined : 'a whole number such as 9600') });
  const taken = new Set(earlier.map((board) => board.id));
  let suggestion = driver.type;
  for (let n = 2; taken.has(suggestion); n++) suggestion = `${driver.type}-${n}`;
  const id = await prompt.ask('Board id (in topics and logs)', { default: suggestion, check: (text) => checkIdentifier(text) ?? (taken.has(text) ? `${text} is already a board here` : undefined) });
  const device: Record<string, unknown> = { type: driver.type, ...(baudText === '' ? {} : { baud: Number(baudText) }) };
  for (;;) {
    const sensors = await askSensors(prompt, driver);
    const board: BoardAnswer = { id, port: path, recognisedAs: discovered && recognisedAs(discovered), device: device as BoardAnswer['device'], sensors };
    const problems = boardProblems(board, context.catalog);
    if (problems.length === 0) return board;
    prompt.say('  this board is not complete yet:');
    for (const problem of problems) prompt.say(`    ${problem}`);
    const extra = await prompt.ask('Device options to add (key=value, comma-separated), or Enter to choose the sensors again', { optional: true });
    for (const pair of extra.split(',').filter((text) => text.includes('='))) {
      const [key = '', value = ''] = pair.split('=').map((text) => text.trim());
      device[key] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    }
  }
}

/** The problems validation finds in one board, checked inside a minimal config. */
function boardProblems(board: BoardAnswer, catalog: Catalog): string[] {
  const config = configFromAnswers({ nodeId: 'check', site: 'check', brokerUrl: 'mqtt://localhost', boards: [board], dataDir: '/' });
  try {
    validateConfig(config, 'board', catalog);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((problem) => `${problem.path.replace(/^boards\[0\]\.?/, '') || 'board'}: ${problem.message}`);
  }
}

async function askSensors(prompt: Prompter, driver: DriverDefinition): Promise<SensorAnswer[]> {
  const samples = readmeSampleSensors(driver.type);
  const plan = sensorPlanFor(driver, samples);
  if (plan.kind === 'single') {
    const name = await prompt.ask('Sensor name', { default: plan.sensor.name, check: checkIdentifier });
    const unit = await prompt.ask('Unit (SenML)', { default: plan.sensor.unit, optional: true });
    return [{ name, unit: unit || undefined, options: {} }];
  }
  if (plan.kind === 'fields') {
    prompt.say(`${driver.type} reports:`);
    const names = plan.choices.map((choice) => choice.name);
    plan.choices.forEach((choice, index) => prompt.say(`  ${index + 1}. ${choice.name}${choice.unit ? ` (${choice.unit})` : ''}`));
    if (await prompt.confirm(`Read all ${plan.choices.length}?`, true)) return [...plan.choices];
    const picked = await prompt.ask('Which (numbers or names, comma-separated)', { check: (text) => (text.split(',').every((item) => indexIn(names, item.trim()) !== undefined) ? undefined : 'numbers or names from the list') });
    return [...new Set(picked.split(',').map((item) => indexIn(names, item.trim())!))].map((index) => plan.choices[index]!);
  }
  if (plan.description) prompt.say(`${plan.option}: ${plan.description}`);
  const valuesText = await prompt.ask(`Which ${plan.option}s (comma-separated)`, {
    check: (text) => text.split(',').map((item) => parseOptionValue(driver, plan.option, item.trim())).map((result) => (result.ok ? undefined : result.reason)).find((reason) => reason !== undefined),
  });
  const sensors: SensorAnswer[] = [];
  for (const item of valuesText.split(',').map((text) => text.trim())) {
    const parsed = parseOptionValue(driver, plan.option, item);
    const value = parsed.ok ? parsed.value : item;
    const defaults = keyedDefaults(plan.option, value, samples);
    const name = await prompt.ask(`  ${plan.option} ${item}: sensor name`, { default: defaults.name, check: (text) => checkIdentifier(text) ?? (sensors.some((sensor) => sensor.name === text) ? `${text} is already a sensor of this board` : undefined) });
    const unit = await prompt.ask(`  ${plan.option} ${item}: unit (SenML: Cel, %RH, Pa, mm...; Enter for none)`, { default: defaults.unit, optional: true });
    sensors.push({ name, unit: unit || undefined, options: { [plan.option]: value } });
  }
  return sensors;
}
