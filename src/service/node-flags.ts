/**
 * The Node.js flags a node runs with, in the systemd unit and in the benchmark that measures
 * it, so that what is measured is what is installed.
 *
 * - `--max-semi-space-size=2` (MiB): V8's young generation otherwise grows to 16 MiB per
 *   semi-space under load, memory a gateway does not give back. Measured at 1,000 lines/s:
 *   RSS 117 → 89 MB, CPU within noise; at 1 MiB RSS was no lower and CPU about 10 % higher
 *   (objects of a batch outlive more scavenges and are promoted).
 * - `--max-old-space-size=128` (MiB): the old generation's ceiling, which V8 otherwise derives
 *   from the machine's memory and then lets garbage pile up towards. A node's live heap is
 *   about 16 MB, and what it holds in memory is bounded (held packs: 8 MiB); with the ceiling,
 *   a burst of 100,000 lines peaks at about 100 MB instead of 130 to 150.
 * - `--v8-pool-size=1`: one V8 helper thread (garbage collection and optimising compilation in
 *   the background) instead of one per core. A node's heap is small, so more helpers buy little
 *   and each keeps its own stack and malloc arena: at 1,000 lines/s RSS fell by about 4 MB
 *   (90 → 86 MB, a burst's peak 92 → 88 MB, idle 72 → 70 MB) and CPU did not rise.
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--max-old-space-size=128', '--v8-pool-size=1'];
