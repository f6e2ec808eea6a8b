/**
 * Calibration curves from [measured, true] pairs: the line through two points, or the
 * least-squares polynomial through more. A fit that the points cannot determine (all at one
 * measured value, fewer distinct values than the degree needs) is refused with the reason,
 * so a bad calibration is a config error and not a sensor reporting NaN in the field.
 */

/** A calibration point: what the sensor measured, and what the true value was. */
export type CalibrationPoint = readonly [measured: number, actual: number];

/** Coefficients, constant term first: c0 + c1·x + c2·x² ... */
export type Polynomial = readonly number[];

/** The polynomial of `degree` that fits `points` best (least squares), or why there is none. */
export function fitPolynomial(points: readonly CalibrationPoint[], degree: number): { coefficients: Polynomial } | { reason: string } {
  const distinct = new Set(points.map(([measured]) => measured)).size;
  if (distinct < degree + 1) {
    return { reason: `a degree ${degree} fit needs at least ${degree + 1} different measured values; got ${distinct}` };
  }
  const coefficients = degree === 1 && points.length === 2 ? lineThrough(points[0]!, points[1]!) : leastSquares(points, degree);
  if (!coefficients.every(Number.isFinite)) return { reason: 'the points give no finite curve (values too large or too close together)' };
  return { coefficients };
}

/** c0 + c1·x + ... by Horner's rule. */
export function evaluate(coefficients: Polynomial, x: number): number {
  let result = 0;
  for (let index = coefficients.length - 1; index >= 0; index--) result = result * x + coefficients[index]!;
  return result;
}

/** Two points: the exact line, so both points map to their true values. */
function lineThrough([x1, y1]: CalibrationPoint, [x2, y2]: CalibrationPoint): Polynomial {
  const slope = (y2 - y1) / (x2 - x1);
  return [y1 - slope * x1, slope];
}

/**
 * Least squares by QR (modified Gram-Schmidt) of the Vandermonde matrix, on x centred and
 * scaled to about [-1, 1]: the normal equations would square its condition number.
 */
function leastSquares(points: readonly CalibrationPoint[], degree: number): Polynomial {
  const xs = points.map(([x]) => x);
  const centre = (Math.max(...xs) + Math.min(...xs)) / 2;
  const scale = (Math.max(...xs) - Math.min(...xs)) / 2 || 1;
  const t = xs.map((x) => (x - centre) / scale);
  const columns = Array.from({ length: degree + 1 }, (_, power) => t.map((value) => value ** power));
  const r = Array.from({ length: degree + 1 }, () => new Array<number>(degree + 1).fill(0));
  for (let j = 0; j <= degree; j++) {
    const column = columns[j]!;
    for (let i = 0; i < j; i++) {
      const q = columns[i]!;
      const dot = q.reduce((sum, value, k) => sum + value * column[k]!, 0);
      r[i]![j] = dot;
      for (let k = 0; k < column.length; k++) column[k]! -= dot * q[k]!;
    }
    const norm = Math.hypot(...column);
    r[j]![j] = norm;
    for (let k = 0; k < column.length; k++) column[k]! /= norm;
  }
  const qty = columns.map((q) => q.reduce((sum, value, k) => sum + value * points[k]![1], 0));
  const inScaled = new Array<number>(degree + 1).fill(0);
  for (let i = degree; i >= 0; i--) {
    let sum = qty[i]!;
    for (let j = i + 1; j <= degree; j++) sum -= r[i]![j]! * inScaled[j]!;
    inScaled[i] = sum / r[i]![i]!;
  }
  return unscale(inScaled, centre, scale);
}

/** p(t) with t = (x - centre) / scale, rewritten as a polynomial in x. */
function unscale(inScaled: readonly number[], centre: number, scale: number): Polynomial {
  const result = new Array<number>(inScaled.length).fill(0);
  // (x - centre)^k / scale^k expanded by the binomial theorem.
  inScaled.forEach((coefficient, k) => {
    let binomial = 1;
    for (let i = 0; i <= k; i++) {
      result[i]! += (coefficient * binomial * (-centre) ** (k - i)) / scale ** k;
      binomial = (binomial * (k - i)) / (i + 1);
    }
  });
  return result;
}
