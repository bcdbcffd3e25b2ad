/**
 * The distinct values of a column and each row's index among them: the likelihoods compute
 * the terms that depend on one value alone once per distinct value rather than once per row.
 */

/** The distinct values of `values` (in order of first appearance) and each value's index among them. */
export function indexDistinct(values: ArrayLike<number>): [Float64Array, Int32Array] {
  const indices = new Int32Array(values.length);
  if (smallWholeNumbers(values)) {
    // Days and occasion counts: a table indexed by the value itself instead of a hash map.
    let largest = 0;
    for (let index = 0; index < values.length; index++) largest = Math.max(largest, values[index]);
    const positions = new Int32Array(largest + 1).fill(-1);
    const distinct: number[] = [];
    for (let index = 0; index < values.length; index++) {
      const value = values[index];
      if (positions[value] < 0) {
        positions[value] = distinct.length;
        distinct.push(value);
      }
      indices[index] = positions[value];
    }
    return [Float64Array.from(distinct), indices];
  }
  const positions = new Map<number, number>();
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

/** Whole numbers in [0, 2^20) (−0 counts as 0, as it does as a Map key). */
function smallWholeNumbers(values: ArrayLike<number>): boolean {
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (!(Number.isInteger(value) && value >= 0 && value < 2 ** 20)) return false;
  }
  return true;
}
