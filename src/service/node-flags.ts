/**
 * The Node.js flags a node runs with, in the systemd unit and in the benchmark that measures
 * it, so that what is measured is what is installed. None for now: the defaults are what the
 * steady-state figures are taken with; a flag that trades CPU for memory belongs here.
 */
export const NODE_FLAGS: readonly string[] = [];
