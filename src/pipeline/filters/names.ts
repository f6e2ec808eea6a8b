/**
 * The names a sensor's readings are sent under: its own, or, after an `aggregate`,
 * `<name>_min`, `<name>_mean` and `<name>_max`. Two sensors of a board must not send under one
 * name, or a consumer would see one series made of two.
 */

const KINDS = ['min', 'mean', 'max'] as const;

/** From a sensor entry as written in the config (not yet validated): its name and its aggregate's `send`. */
export function namesSent(sensor: Record<string, unknown> | undefined): string[] {
  const name = sensor?.['name'];
  if (typeof name !== 'string') return [];
  const filters = Array.isArray(sensor?.['filters']) ? (sensor['filters'] as unknown[]) : [];
  const aggregate = filters.map((filter) => (typeof filter === 'object' && filter !== null ? (filter as Record<string, unknown>)['aggregate'] : undefined)).find((options) => options !== undefined);
  if (aggregate === undefined) return [name];
  const send = (aggregate as { send?: unknown }).send;
  const kinds = Array.isArray(send) ? KINDS.filter((kind) => send.includes(kind)) : KINDS;
  return kinds.map((kind) => `${name}_${kind}`);
}

/**
 * Aggregated names that clash with another sensor's name or aggregated names on the same board,
 * each at the sensor whose aggregate sends it. Plain duplicate names are the board's own check.
 */
export function aggregateNameClashes(sensors: readonly unknown[], boardPath: string): { path: string; message: string }[] {
  const owners = new Map<string, number>();
  const entries = sensors.map((sensor) => (typeof sensor === 'object' && sensor !== null ? (sensor as Record<string, unknown>) : undefined));
  entries.forEach((sensor, index) => {
    if (typeof sensor?.['name'] === 'string' && !owners.has(sensor['name'])) owners.set(sensor['name'], index);
  });
  const problems: { path: string; message: string }[] = [];
  entries.forEach((sensor, index) => {
    const sent = namesSent(sensor);
    if (sent.length === 1 && sent[0] === sensor?.['name']) return;
    for (const name of sent) {
      const owner = owners.get(name);
      if (owner !== undefined && owner !== index) problems.push({ path: `${boardPath}.sensors[${index}].filters`, message: `its aggregate sends ${name}, the name of ${boardPath}.sensors[${owner}]` });
      else owners.set(name, index);
    }
  });
  return problems;
}
