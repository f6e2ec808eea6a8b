/** What the main thread and a fleet's worker threads say to each other. */
import type { GroupSample, GroupTotals } from './node-group.js';

/** How often the counts are sampled, in the main thread and in each worker. */
export const SAMPLE_EVERY_MS = 200;

export type ToWorker = { readonly type: 'stop' };

export type FromWorker =
  | { readonly type: 'started' }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'sample'; readonly sample: GroupSample }
  | { readonly type: 'stopped'; readonly totals: GroupTotals };
