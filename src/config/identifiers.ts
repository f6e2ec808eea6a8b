import { z } from 'zod';
import { isRegisteredUnit, REGISTERED_UNITS, UNIT_HINTS } from '../codec/units.js';
import { IDENTIFIER_PATTERN, IDENTIFIER_RULE } from './identifier-rule.js';
import { didYouMean } from './suggest.js';

/** An id or name: see IDENTIFIER_PATTERN for why these characters. */
export const identifier = z.string().regex(IDENTIFIER_PATTERN, IDENTIFIER_RULE);

/**
 * A unit name from the IANA SenML registry: a SenML Unit (`Cel`, `%RH`, `Pa`, `S/m`), always
 * allowed, or a Secondary Unit (`ug/m3`, `ppm`, `mm`), sent in packs that announce it (RFC 9100).
 * Case matters (`Cel`, not `cel`); anything else is refused with the nearest registered names.
 */
export const unitName = z.string().superRefine((unit, ctx) => {
  if (isRegisteredUnit(unit)) return;
  const hint = UNIT_HINTS.get(unit);
  const near = hint === undefined ? didYouMean(unit, REGISTERED_UNITS) : `: ${hint}`;
  ctx.addIssue({ code: 'custom', message: `${JSON.stringify(unit)} is not a unit of the IANA SenML registry (SenML Units or Secondary Units)${near || '; e.g. Cel, %RH, Pa, m, S/m, ug/m3, ppm'}` });
});
