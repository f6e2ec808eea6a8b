import { setFlagsFromString } from 'node:v8';

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

/**
 * What `fieldnode run` sets on its own V8 as it starts, however it is started: the optimising
 * compiler takes a function after a quarter of the work it otherwise waits for. On a pole (10
 * readings a second) the code of a line and of a pack runs a few times a second, and with
 * V8's default budget it stays for minutes in the baseline tier, whose generic property
 * lookups and calls cost more than the work itself. Measured on Node.js 20 at 2.5 lines/s
 * after 150 s, in five alternating pairs (the first two with the flag on the command line):
 * 0.54, 0.62, 0.60, 0.68 and 0.46 % of a core → 0.43, 0.48, 0.56, 0.44 and 0.50 %, a mean of
 * 0.58 → 0.48 on a machine whose noise is as large. The optimising is paid for early: in the
 * first minute or two it costs more than it saves.
 *
 * Only V8 11.3 (Node.js 20) has this flag. Later versions count invocations instead and tier
 * up through Maglev first, sooner by themselves; they would also print an error for a flag
 * they do not know. It is set at run time, not in the unit, because a unit's unknown flag
 * stops Node.js from starting at all after an upgrade.
 */
export const OPTIMISE_SOONER: { readonly v8: string; readonly flag: string } = { v8: '11.3.', flag: '--interrupt-budget=16384' };

/** Applies OPTIMISE_SOONER where this V8 (`v8Version`) has the flag; whether it did. */
export function optimiseSooner(v8Version = process.versions.v8): boolean {
  if (!v8Version.startsWith(OPTIMISE_SOONER.v8)) return false;
  setFlagsFromString(OPTIMISE_SOONER.flag);
  return true;
}
