/**
 * One NTP answer for every node of a fleet. Each node asks the machine at its start whether
 * its clock is synchronised, which spawns `timedatectl` (and maybe `chronyc`): a few
 * milliseconds of CPU each, a quarter of a thousand nodes' start-up. The nodes share one
 * machine clock, so they share the answer, asked again once it is older than the nodes' own
 * shortest poll interval.
 */
import { systemNtpProbe, type NtpAnswer, type NtpProbe } from '../../src/index.js';

/** The nodes poll every 30 s until synchronised: an answer that old is as fresh as theirs. */
const ANSWER_KEPT_MS = 30_000;

export function sharedNtpProbe(probe: NtpProbe = systemNtpProbe(), now: () => number = Date.now): NtpProbe {
  let answer: { readonly at: number; readonly value: Promise<NtpAnswer> } | undefined;
  return {
    read() {
      if (answer === undefined || now() - answer.at >= ANSWER_KEPT_MS) answer = { at: now(), value: probe.read() };
      return answer.value;
    },
  };
}
