/**
 * Rules of the sensor names that only hold with a `homeassistant:` section. They run on the raw
 * input, as the other cross-checks do, so that one validation shows every problem.
 */
import type { ConfigProblem } from '../core/errors.js';
import { asArray, asRecord } from './cross-check.js';
import { discoveryId, STATE_TIME_KEY } from './homeassistant-schema.js';

/**
 * With `homeassistant:`, sensor names also become keys of a board's JSON state and parts of
 * discovery topics: `time` is taken by the state's timestamp, and two sensors must not end up
 * with one topic (`a.b` and `a_b` both read `a_b` there; board `x` sensor `y_z` and board `x_y` sensor `z`).
 */
export function homeAssistantProblems(raw: unknown): ConfigProblem[] {
  const root = asRecord(raw);
  if (asRecord(root?.['homeassistant']) === undefined) return [];
  const problems: ConfigProblem[] = [];
  const firstByObjectId = new Map<string, string>();
  asArray(root?.['boards']).forEach((board, boardIndex) => {
    const boardId = asRecord(board)?.['id'];
    asArray(asRecord(board)?.['sensors']).forEach((sensor, sensorIndex) => {
      const name = asRecord(sensor)?.['name'];
      if (typeof name !== 'string' || typeof boardId !== 'string') return;
      const path = `boards[${boardIndex}].sensors[${sensorIndex}].name`;
      if (name === STATE_TIME_KEY) problems.push({ path, message: `"${STATE_TIME_KEY}" is the timestamp of the Home Assistant state topic: give this sensor another name` });
      const objectId = `${discoveryId(boardId)}_${discoveryId(name)}`;
      const first = firstByObjectId.get(objectId);
      if (first === undefined) firstByObjectId.set(objectId, path);
      else problems.push({ path, message: `Home Assistant discovery would give this sensor the same id (${objectId}) as ${first}: rename one of them` });
    });
  });
  return problems;
}
