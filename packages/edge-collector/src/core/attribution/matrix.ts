/**
 * The inverse of the m×m matrix `a` (row-major), by Gauss–Jordan elimination with partial
 * pivoting; throws on a singular matrix. Dense, O(m³): m is the number of distinct channels.
 */
export function invert(a: Float64Array, m: number): Float64Array {
  const work = Float64Array.from(a);
  const inverse = new Float64Array(m * m);
  for (let i = 0; i < m; i++) inverse[i * m + i] = 1;
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let row = col + 1; row < m; row++) {
      if (Math.abs(work[row * m + col]!) > Math.abs(work[pivot * m + col]!)) pivot = row;
    }
    const p = work[pivot * m + col]!;
    if (Math.abs(p) < 1e-300) throw new RangeError('singular matrix');
    if (pivot !== col) {
      swapRows(work, m, pivot, col);
      swapRows(inverse, m, pivot, col);
    }
    for (let j = 0; j < m; j++) {
      work[col * m + j]! /= p;
      inverse[col * m + j]! /= p;
    }
    for (let row = 0; row < m; row++) {
      const factor = work[row * m + col]!;
      if (row === col || factor === 0) continue;
      for (let j = 0; j < m; j++) {
        work[row * m + j]! -= factor * work[col * m + j]!;
        inverse[row * m + j]! -= factor * inverse[col * m + j]!;
      }
    }
  }
  return inverse;
}

function swapRows(a: Float64Array, m: number, r1: number, r2: number): void {
  for (let j = 0; j < m; j++) {
    const t = a[r1 * m + j]!;
    a[r1 * m + j] = a[r2 * m + j]!;
    a[r2 * m + j] = t;
  }
}
