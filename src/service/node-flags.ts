/**
 * The Node.js flags a node runs with, in the systemd unit and in the benchmark that measures
 * it, so that what is measured is what is installed.
 *
 * - `--max-semi-space-size=1` (MiB): V8's young generation otherwise grows to 16 MiB per
 *   semi-space under load, memory a gateway never gives back; at 1 MiB, scavenges are more
 *   frequent and each is shorter. Measured at 1,000 lines/s: RSS 117 → 86 MB, CPU per reading
 *   within noise.
 * - `--max-old-space-size=128` (MiB): the old generation's ceiling, which V8 otherwise derives
 *   from the machine's memory and then lets garbage pile up towards. A node's live heap is
 *   about 16 MB, and what it holds in memory is bounded (held packs: 8 MiB); with the ceiling,
 *   a burst of 100,000 lines peaks at about 97 MB instead of 150.
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1', '--max-old-space-size=128'];
