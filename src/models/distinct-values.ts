/**
 * The distinct values of a column and each row's index among them: the likelihoods compute
 * the terms that depend on one value alone once per distinct value rather than once per row.
 */

/** The distinct values of `values` (in order of first appearance) and each value's index among them. */
export function indexDistinct(values: ArrayLike<number>): [Float64Array, Int32Array] {
  const positions = new Map<number, number>();
  const indices = new Int32Array(values.length);
  for (let index = 0; index < values.length; index++) {
    let position = positions.get(values[index]);
    if (position === undefined) {
      position = positions.size;
      positions.set(values[index], position);
    }
    indices[index] = position;
  }
  return [Float64Array.from(positions.keys()), indices];
}
