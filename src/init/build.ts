/**
 * The config `fieldnode init` writes, from its answers: first a plain object (what the
 * schema checks), then the same as commented YAML in the layout of the shipped samples.
 * Pure: no files, no terminal.
 */
import { Document, isMap, isSeq, Pair, Scalar, type YAMLMap } from 'yaml';
import type { BoardAnswer, InitAnswers } from './answers.js';

/** The config object the answers stand for, keys in the order a reader expects them. */
export function configFromAnswers(answers: InitAnswers): Record<string, unknown> {
  return {
    node: { id: answers.nodeId, site: answers.site },
    broker: {
      url: answers.brokerUrl,
      ...(answers.username === undefined ? {} : { username: answers.username }),
      ...(answers.password === undefined ? {} : { password: { ...answers.password } }),
    },
    dataDir: answers.dataDir,
    boards: answers.boards.map(boardObject),
  };
}

function boardObject(board: BoardAnswer): Record<string, unknown> {
  return {
    id: board.id,
    port: board.port,
    device: { ...board.device },
    sensors: board.sensors.map((sensor) => ({ name: sensor.name, ...(sensor.unit === undefined ? {} : { unit: sensor.unit }), ...sensor.options })),
  };
}

/** What goes above each top-level section: what it is, in a technician's words. */
const SECTION_COMMENTS: Record<string, string> = {
  node: ' This gateway: its id and site are the topic levels and SenML names its readings carry.',
  broker: ' The MQTT broker readings go to. The password is never written here: it comes from\n an environment variable ({ env: NAME }) or a file only its owner can read ({ file: PATH }).',
  dataDir: ' Where the outbox (readings waiting for the broker) and the boot counter live; must be\n writable by the user the node runs as.',
  boards: ' The devices on this gateway: one per board, its link (port), its device (driver type\n and device-wide options) and the sensors read from it, with their SenML units.',
};

/**
 * The config as YAML: the JSON Schema line first (editors check and complete the file), a
 * comment above each section and each board, devices and sensors on one line each.
 */
export function configYaml(answers: InitAnswers, options: { schemaPath: string; generatedBy?: string }): string {
  const document = new Document(configFromAnswers(answers));
  const root = document.contents as YAMLMap;
  root.items.forEach((item, index) => {
    const key = (item as Pair<Scalar<string>>).key;
    const comment = SECTION_COMMENTS[key.value];
    if (comment) key.commentBefore = comment;
    if (index > 0) key.spaceBefore = true;
  });
  const password = (root.get('broker') as YAMLMap | undefined)?.get('password');
  if (isMap(password)) password.flow = true;
  const boards = root.get('boards');
  if (isSeq(boards)) {
    boards.items.forEach((board, index) => {
      if (!isMap(board)) return;
      const answer = answers.boards[index];
      if (answer?.recognisedAs) board.commentBefore = ` recognised as: ${answer.recognisedAs}`;
      const device = board.get('device');
      if (isMap(device)) device.flow = true;
      const sensors = board.get('sensors');
      if (isSeq(sensors)) for (const sensor of sensors.items) if (isMap(sensor)) sensor.flow = true;
    });
  }
  const header = [`# yaml-language-server: $schema=${options.schemaPath}`, '#', `# Written by ${options.generatedBy ?? 'fieldnode init'}. Check it with: fieldnode validate <this file>`, '', ''];
  return `${header.join('\n')}${document.toString({ lineWidth: 0 })}`;
}
