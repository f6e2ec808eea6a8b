/**
 * The `clock:` section: where trusted time may come from, and what happens to readings of a
 * node whose clock is not trusted in time (a Pi without a real-time clock and without NTP).
 */
import { z } from 'zod';
import { TIME_SOURCES } from '../core/trusted-time.js';

export const clockDefaults = {
  untrusted: 'hold' as const,
  trustWithinSeconds: 600,
  sources: [...TIME_SOURCES],
  maxHeldReadings: 10_000,
  brokerMaxStepSeconds: 300,
};

export const clockSchema = z.strictObject({
  untrusted: z
    .enum(['hold', 'flag'])
    .default(clockDefaults.untrusted)
    .describe('readings taken while the clock is not trusted: hold them until it is (dated then), or, after trustWithinSeconds, send them with machine times marked clock_: untrusted'),
  trustWithinSeconds: z.number().int().min(0).max(86_400).default(clockDefaults.trustWithinSeconds).describe('how long to wait for a trusted time before the untrusted policy applies (and a warning is logged)'),
  sources: z
    .array(z.enum(TIME_SOURCES))
    .min(1)
    .refine((sources) => new Set(sources).size === sources.length, 'each source once')
    .default(clockDefaults.sources)
    .describe('what may make the clock trusted: ntp (the kernel says synchronised), gps (a fix on a GPS board), broker (a message on {topicPrefix}/time)'),
  maxHeldReadings: z.number().int().min(1).max(1_000_000).default(clockDefaults.maxHeldReadings).describe('readings kept in memory while the clock is not trusted; beyond it the oldest are dropped and counted (clock-held-dropped)'),
  brokerMaxStepSeconds: z.number().int().min(0).max(86_400).default(clockDefaults.brokerMaxStepSeconds).describe('the most a broker time message may move a clock already trusted without NTP or GPS'),
});

/** A validated `clock:` section, defaults filled in. */
export type ClockConfig = z.infer<typeof clockSchema>;
