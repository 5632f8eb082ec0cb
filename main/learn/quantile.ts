// The q-th quantile with linear interpolation between order statistics, as numpy.quantile and
// torch.quantile compute it by default: position p·(n−1), interpolated between its neighbours.

export function quantile(values: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile level must be in [0, 1], got ${q}`);
  const n = values.length;
  if (n === 0) throw new RangeError('quantile of an empty set');
  const sorted = Float64Array.from(values).sort();
  const position = q * (n - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (position - lo);
}
