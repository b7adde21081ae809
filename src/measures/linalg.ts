/**
 * Small dense linear algebra on row-major `Float64Array` matrices for the shift and
 * transferability measures: products, covariance, symmetric eigendecomposition (Householder
 * tridiagonalisation + implicit QL, as in EISPACK/JAMA `tred2`/`tql2`), matrix functions of
 * symmetric matrices (square root, inverse square root, pseudo-inverse), Cholesky and LU solves,
 * and the vector helpers (`dot`, `axpy`, `maxAbs`, `matVec`) every numeric module shares.
 *
 * Meant for d up to a few hundred (O(d³) work); nothing here allocates tensors.
 *
 * ## Matrix representations, and which is used where
 *
 * - {@link Matrix} — `{ rows, cols, data: Float64Array }`, row-major: **the** dense matrix type.
 *   Everything in this module takes and returns it; so do the kernels (`kernels.ts`: squared
 *   distances, Gaussian kernels), MMD, CORAL, H-score, LogME, BBSE, the binary logistic
 *   regression's inputs and the reweighting code (`adapt/reweight.ts`). Public functions accept
 *   the looser {@link MatrixInput} (row arrays, Float32 buffers, `{ x, shape }` model inputs)
 *   and copy it once with {@link toMatrix}, which also checks shape and finiteness.
 * - `Rows` (`rows.ts`) — the *data* matrix of the linear models and PCA: dense (`Float32Array`
 *   or `Float64Array`, the same row-major layout as `Matrix`) or CSR sparse (hashed TF-IDF
 *   text: a few hundred non-zeros in 8192 columns). Those algorithms only ever need X·W and
 *   Xᵀ·R, which `rows.ts` provides for both kinds, so a sparse matrix is never densified.
 *   Conversions: `rowsFromMatrix(M)` (a dense view, no copy) and `matrixFromRows(X)` (a copy).
 * - Parameter blocks and small work buffers (a `d × k` weight matrix, an `l × l` Gram matrix
 *   inside PCA) are bare row-major `Float64Array`s with their sizes passed alongside; wrap one
 *   as `{ rows, cols, data }` (free) to call anything here.
 * - `Float64Array[]` (one array per row) appears only inside `symmetricEigen` (the EISPACK
 *   loops index `V[i][j]`) and at the explain API, whose callers pass lists of rows.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import type { Rng } from '../util/random.ts';

/**
 * A dense row-major `rows × cols` matrix of doubles.
 *
 * @example
 * ```ts
 * const I2: Matrix = { rows: 2, cols: 2, data: Float64Array.of(1, 0, 0, 1) };
 * ```
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/**
 * What the measures accept as an `n × d` matrix: a row-major buffer with its shape
 * (`Float32Array` or `Float64Array`), a model-input `{ x, shape: [n, ...] }` (extra dimensions
 * are flattened into d), or an array of equally long rows.
 *
 * @example
 * ```ts
 * const a: MatrixInput = { rows: 2, cols: 1, data: Float32Array.of(1, 2) };
 * const b: MatrixInput = [[1], [2]];
 * const c: MatrixInput = { x: Float32Array.of(1, 2, 3, 4), shape: [2, 2] };
 * ```
 */
export type MatrixInput =
  | { readonly rows: number; readonly cols: number; readonly data: ArrayLike<number> }
  | { readonly x: ArrayLike<number>; readonly shape: readonly number[] }
  | readonly ArrayLike<number>[];

/**
 * Copies a {@link MatrixInput} into a {@link Matrix}, checking the shape and that every value
 * is finite (`NON_FINITE` / `SHAPE_MISMATCH` errors name `what`).
 *
 * @example
 * ```ts
 * const m = toMatrix([[1, 2], [3, 4]], 'source'); // { rows: 2, cols: 2, data: [1, 2, 3, 4] }
 * ```
 */
export function toMatrix(input: MatrixInput, what = 'matrix'): Matrix {
  let rows: number;
  let cols: number;
  let data: Float64Array;
  if (Array.isArray(input)) {
    const list = input as readonly ArrayLike<number>[];
    rows = list.length;
    cols = rows ? list[0].length : 0;
    data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      if (list[i].length !== cols) {
        throw new TransferkitError('SHAPE_MISMATCH', `Row ${i} of ${what} has ${list[i].length} values, expected ${cols}`, { where: what });
      }
      for (let j = 0; j < cols; j++) data[i * cols + j] = list[i][j];
    }
  } else if ('shape' in input) {
    const shape = input.shape;
    rows = shape.length ? shape[0] : 0;
    cols = shape.slice(1).reduce((a, b) => a * b, 1);
    if (input.x.length !== rows * cols) {
      throw new TransferkitError('SHAPE_MISMATCH', `${what} has ${input.x.length} values but shape [${shape.join(', ')}]`, { where: what });
    }
    data = Float64Array.from(input.x);
  } else {
    const m = input as { rows: number; cols: number; data: ArrayLike<number> };
    rows = m.rows;
    cols = m.cols;
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0 || m.data.length !== rows * cols) {
      throw new TransferkitError('SHAPE_MISMATCH', `${what} has ${m.data.length} values but shape ${rows}×${cols}`, { where: what });
    }
    data = Float64Array.from(m.data);
  }
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k])) {
      const i = cols ? Math.floor(k / cols) : 0;
      throw new TransferkitError('NON_FINITE_INPUT', `${what} has a non-finite value (${data[k]}) at row ${i}, column ${k - i * cols}`, {
        where: what,
        hint: 'Impute or drop missing values before measuring shift.',
      });
    }
  }
  return { rows, cols, data };
}

/**
 * A `rows × cols` matrix of zeros.
 *
 * @example
 * ```ts
 * zeros(2, 3).data.length; // 6
 * ```
 */
export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/**
 * The `n × n` identity matrix.
 *
 * @example
 * ```ts
 * identity(2).data; // [1, 0, 0, 1]
 * ```
 */
export function identity(n: number): Matrix {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

/**
 * Matrix product A·B.
 *
 * @example
 * ```ts
 * matmul(toMatrix([[1, 2]]), toMatrix([[3], [4]])).data; // [11]
 * ```
 */
export function matmul(A: Matrix, B: Matrix): Matrix {
  if (A.cols !== B.rows) {
    throw new TransferkitError('SHAPE_MISMATCH', `Cannot multiply ${A.rows}×${A.cols} by ${B.rows}×${B.cols}`);
  }
  return { rows: A.rows, cols: B.cols, data: addProduct(A.data, A.rows, A.cols, B.data, B.cols, new Float64Array(A.rows * B.cols)) };
}

/**
 * The product kernel on bare row-major buffers, `out` += op(A)·B with A stored `n × k`
 * (zero entries skipped; A and B may be `Float32Array`s, e.g. dense feature rows):
 * op(A) = A (B is `k × m`, out `n × m`), or with `transposeA` op(A) = Aᵀ (B is `n × m`,
 * out `k × m`). Behind {@link matmul} and the dense cases of `multiply` (X·W) and
 * `addTransposeProduct` (Xᵀ·R, gradients) in `rows.ts`.
 *
 * @example
 * ```ts
 * addProduct(Float64Array.of(1, 2), 1, 2, Float64Array.of(3, 4), 1, new Float64Array(1)); // [11]
 * addProduct(Float64Array.of(1, 2), 2, 1, Float64Array.of(3, 4), 1, new Float64Array(1), true); // [11]
 * ```
 */
export function addProduct(a: ArrayLike<number>, n: number, k: number, b: ArrayLike<number>, m: number, out: Float64Array, transposeA = false): Float64Array {
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      if (aip === 0) continue;
      const o = transposeA ? p * m : i * m;
      const q = transposeA ? i * m : p * m;
      for (let j = 0; j < m; j++) out[o + j] += aip * b[q + j];
    }
  }
  return out;
}

/**
 * Transpose Aᵀ.
 *
 * @example
 * ```ts
 * transpose(toMatrix([[1, 2]])).rows; // 2
 * ```
 */
export function transpose(A: Matrix): Matrix {
  const out = new Float64Array(A.rows * A.cols);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) out[j * A.rows + i] = A.data[i * A.cols + j];
  return { rows: A.cols, cols: A.rows, data: out };
}

/**
 * Gram matrix AᵀA (`cols × cols`, symmetric).
 *
 * @example
 * ```ts
 * gram(toMatrix([[1, 2], [3, 4]])).data; // [10, 14, 14, 20]
 * ```
 */
export function gram(A: Matrix): Matrix {
  const d = A.cols;
  const out = new Float64Array(d * d);
  const a = A.data;
  for (let i = 0; i < A.rows; i++) {
    const r = i * d;
    for (let p = 0; p < d; p++) {
      const v = a[r + p];
      if (v === 0) continue;
      const o = p * d;
      for (let q = p; q < d; q++) out[o + q] += v * a[r + q];
    }
  }
  for (let p = 0; p < d; p++) for (let q = 0; q < p; q++) out[p * d + q] = out[q * d + p];
  return { rows: d, cols: d, data: out };
}

/**
 * Column means of an `n × d` matrix.
 *
 * @example
 * ```ts
 * columnMeans(toMatrix([[1, 2], [3, 4]])); // [2, 3]
 * ```
 */
export function columnMeans(A: Matrix): Float64Array {
  const mu = new Float64Array(A.cols);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) mu[j] += A.data[i * A.cols + j];
  for (let j = 0; j < A.cols; j++) mu[j] /= A.rows || 1;
  return mu;
}

/**
 * Covariance of the columns of an `n × d` matrix, `(X − x̄)ᵀ(X − x̄) / (n − ddof)`
 * (default `ddof = 1`, the unbiased estimate used by NumPy's `np.cov` and Deep CORAL).
 *
 * @example
 * ```ts
 * covariance(toMatrix([[0], [2]])).data; // [2]
 * ```
 */
export function covariance(X: Matrix, ddof = 1): Matrix {
  const n = X.rows;
  if (n - ddof <= 0) {
    throw new TransferkitError('TOO_FEW_EXAMPLES', `Covariance needs more than ${ddof} row(s), got ${n}`);
  }
  const mu = columnMeans(X);
  const d = X.cols;
  const c = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) c[i * d + j] = X.data[i * d + j] - mu[j];
  const g = gram({ rows: n, cols: d, data: c });
  for (let k = 0; k < g.data.length; k++) g.data[k] /= n - ddof;
  return g;
}

/**
 * Eigendecomposition of a symmetric matrix, A = V·diag(values)·Vᵀ.
 *
 * @example
 * ```ts
 * const { values, vectors } = symmetricEigen(toMatrix([[2, 0], [0, 1]])); // values [1, 2]
 * ```
 */
export interface SymmetricEigen {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /** Orthonormal eigenvectors as the columns of a `d × d` matrix, in the order of `values`. */
  vectors: Matrix;
}

/**
 * Eigenvalues and orthonormal eigenvectors of a symmetric matrix by Householder reduction to
 * tridiagonal form and the implicit QL algorithm (EISPACK `tred2`/`tql2`, as in JAMA). Only
 * the lower triangle's symmetric part matters: the input is symmetrised as (A + Aᵀ)/2.
 *
 * @example
 * ```ts
 * symmetricEigen(toMatrix([[2, 1], [1, 2]])).values; // [1, 3]
 * ```
 */
export function symmetricEigen(A: Matrix): SymmetricEigen {
  const n = A.rows;
  if (A.cols !== n) throw new TransferkitError('SHAPE_MISMATCH', `Eigendecomposition needs a square matrix, got ${A.rows}×${A.cols}`);
  const V: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const row = new Float64Array(n);
    for (let j = 0; j < n; j++) row[j] = (A.data[i * n + j] + A.data[j * n + i]) / 2;
    V.push(row);
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n > 0) {
    tred2(V, d, e, n);
    tql2(V, d, e, n);
  }
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => d[a] - d[b]);
  for (let c = 0; c < n; c++) {
    values[c] = d[order[c]];
    for (let r = 0; r < n; r++) vectors[r * n + c] = V[r][order[c]];
  }
  return { values, vectors: { rows: n, cols: n, data: vectors } };
}

function tred2(V: Float64Array[], d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = V[n - 1][j];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[i - 1][j];
        V[i][j] = 0;
        V[j][i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[j][i] = f;
        g = e[j] + V[j][j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k][j] * d[k];
          e[k] += V[k][j] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) V[k][j] -= f * e[k] + g * d[k];
        d[j] = V[i - 1][j];
        V[i][j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[n - 1][i] = V[i][i];
    V[i][i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k][i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k][i + 1] * V[k][j];
        for (let k = 0; k <= i; k++) V[k][j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[k][i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[n - 1][j];
    V[n - 1][j] = 0;
  }
  V[n - 1][n - 1] = 1;
  e[0] = 0;
}

function tql2(V: Float64Array[], d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 100) {
          throw new TransferkitError('NO_CONVERGENCE', 'Symmetric eigendecomposition did not converge', {
            hint: 'Check the matrix for extreme values.',
          });
        }
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          for (let k = 0; k < n; k++) {
            const vk = V[k];
            h = vk[i + 1];
            vk[i + 1] = s * vk[i] + c * h;
            vk[i] = c * vk[i] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

/**
 * f(A) = V·diag(f(λ))·Vᵀ for a symmetric matrix A = V·diag(λ)·Vᵀ — e.g. `Math.sqrt` for the
 * principal square root of a positive semi-definite matrix.
 *
 * @example
 * ```ts
 * symmetricFunction(toMatrix([[4, 0], [0, 9]]), Math.sqrt).data; // [2, 0, 0, 3]
 * ```
 */
export function symmetricFunction(A: Matrix, f: (lambda: number) => number, eig: SymmetricEigen = symmetricEigen(A)): Matrix {
  const n = A.rows;
  const fv = Array.from(eig.values, f);
  const V = eig.vectors.data;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += V[i * n + k] * fv[k] * V[j * n + k];
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return { rows: n, cols: n, data: out };
}

/**
 * Moore–Penrose pseudo-inverse of a symmetric matrix: eigenvalues with |λ| ≤ `rcond`·max|λ|
 * are treated as zero (like `np.linalg.pinv(A, rcond, hermitian=True)`).
 *
 * @example
 * ```ts
 * pinvSymmetric(toMatrix([[2, 0], [0, 0]])).data; // [0.5, 0, 0, 0]
 * ```
 */
export function pinvSymmetric(A: Matrix, rcond = 1e-10): Matrix {
  const eig = symmetricEigen(A);
  const cut = rcond * maxAbs(eig.values);
  return symmetricFunction(A, (l) => (Math.abs(l) > cut ? 1 / l : 0), eig);
}

/**
 * Cholesky factor L (lower triangular, A = L·Lᵀ) of a symmetric positive-definite matrix;
 * throws `NOT_POSITIVE_DEFINITE` otherwise.
 *
 * @example
 * ```ts
 * cholesky(toMatrix([[4, 2], [2, 2]])).data; // [2, 0, 1, 1]
 * ```
 */
export function cholesky(A: Matrix): Matrix {
  const n = A.rows;
  if (A.cols !== n) throw new TransferkitError('SHAPE_MISMATCH', `Cholesky needs a square matrix, got ${A.rows}×${A.cols}`);
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A.data[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0)) {
          throw new TransferkitError('NOT_POSITIVE_DEFINITE', `Matrix is not positive definite (pivot ${i} is ${s})`, {
            hint: 'Add a small ridge to the diagonal.',
          });
        }
        L[i * n + i] = Math.sqrt(s);
      } else {
        L[i * n + j] = s / L[j * n + j];
      }
    }
  }
  return { rows: n, cols: n, data: L };
}

/**
 * Solves A·x = b given the Cholesky factor L of A (forward then back substitution).
 *
 * @example
 * ```ts
 * choleskySolve(cholesky(toMatrix([[4, 2], [2, 2]])), [2, 2]); // [0, 1]
 * ```
 */
export function choleskySolve(L: Matrix, b: ArrayLike<number>): Float64Array {
  const n = L.rows;
  const y = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let s = y[i];
    for (let k = 0; k < i; k++) s -= L.data[i * n + k] * y[k];
    y[i] = s / L.data[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L.data[k * n + i] * y[k];
    y[i] = s / L.data[i * n + i];
  }
  return y;
}

/**
 * Solves A·X = B for every column of B given the Cholesky factor L of A: B and the result are
 * `n × m`, row-major.
 *
 * @example
 * ```ts
 * choleskySolveColumns(cholesky(toMatrix([[4, 2], [2, 2]])), Float64Array.of(2, 4, 2, 2), 2); // [0, 1, 1, 1]
 * ```
 */
export function choleskySolveColumns(L: Matrix, B: ArrayLike<number>, m: number): Float64Array {
  const n = L.rows;
  const X = new Float64Array(n * m);
  const col = new Float64Array(n);
  for (let j = 0; j < m; j++) {
    for (let p = 0; p < n; p++) col[p] = B[p * m + j];
    const s = choleskySolve(L, col);
    for (let p = 0; p < n; p++) X[p * m + j] = s[p];
  }
  return X;
}

/**
 * Solves a general square system A·x = b by LU decomposition with partial pivoting; returns
 * `null` when A is singular to working precision (a pivot below `tol`·max|A|).
 *
 * @example
 * ```ts
 * solve(toMatrix([[0, 1], [1, 0]]), [2, 3]); // [3, 2]
 * ```
 */
export function solve(A: Matrix, b: ArrayLike<number>, tol = 1e-12): Float64Array | null {
  const n = A.rows;
  if (A.cols !== n || b.length !== n) {
    throw new TransferkitError('SHAPE_MISMATCH', `Cannot solve a ${A.rows}×${A.cols} system with ${b.length} right-hand values`);
  }
  const a = Float64Array.from(A.data);
  const x = Float64Array.from(b);
  let scale = 0;
  for (const v of a) scale = Math.max(scale, Math.abs(v));
  if (scale === 0) return null;
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[piv * n + c])) piv = r;
    if (Math.abs(a[piv * n + c]) <= tol * scale) return null;
    if (piv !== c) {
      for (let j = 0; j < n; j++) [a[c * n + j], a[piv * n + j]] = [a[piv * n + j], a[c * n + j]];
      [x[c], x[piv]] = [x[piv], x[c]];
    }
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c] / a[c * n + c];
      if (f === 0) continue;
      for (let j = c; j < n; j++) a[r * n + j] -= f * a[c * n + j];
      x[r] -= f * x[c];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let j = i + 1; j < n; j++) s -= a[i * n + j] * x[j];
    x[i] = s / a[i * n + i];
  }
  return x;
}

/**
 * Seeded subsample (without replacement, original order kept) of at most `maxRows` rows.
 *
 * @example
 * ```ts
 * subsampleRows(toMatrix(rows), 1000, createRng(0)).rows; // min(rows.length, 1000)
 * ```
 */
export function subsampleRows(X: Matrix, maxRows: number, rng: Rng): Matrix {
  if (X.rows <= maxRows) return X;
  const keep = rng
    .shuffle(Array.from({ length: X.rows }, (_, i) => i))
    .slice(0, maxRows)
    .sort((a, b) => a - b);
  return selectRows(X, keep);
}

/**
 * The rows of `X` at `idx`, in that order (a copy).
 *
 * @example
 * ```ts
 * selectRows(toMatrix([[1, 2], [3, 4], [5, 6]]), [2, 0]).data; // [5, 6, 1, 2]
 * ```
 */
export function selectRows(X: Matrix, idx: ArrayLike<number>): Matrix {
  const d = X.cols;
  const data = new Float64Array(idx.length * d);
  for (let i = 0; i < idx.length; i++) data.set(X.data.subarray(idx[i] * d, (idx[i] + 1) * d), i * d);
  return { rows: idx.length, cols: d, data };
}

/**
 * The rows of `A` followed by the rows of `B` (same width).
 *
 * @example
 * ```ts
 * stackMatrices(toMatrix([[1, 2]]), toMatrix([[3, 4]])).data; // [1, 2, 3, 4]
 * ```
 */
export function stackMatrices(A: Matrix, B: Matrix): Matrix {
  if (A.cols !== B.cols) throw new TransferkitError('SHAPE_MISMATCH', `Cannot stack rows of ${A.cols} and ${B.cols} columns`);
  const data = new Float64Array(A.data.length + B.data.length);
  data.set(A.data, 0);
  data.set(B.data, A.data.length);
  return { rows: A.rows + B.rows, cols: A.cols, data };
}

/**
 * Inner product Σⱼ aⱼbⱼ over the length of `a`.
 *
 * @example
 * ```ts
 * dot(Float64Array.of(1, 2), Float64Array.of(3, 4)); // 11
 * ```
 */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[j];
  return s;
}

/**
 * y ← y + a·x, in place.
 *
 * @example
 * ```ts
 * const y = Float64Array.of(1, 1);
 * axpy(2, Float64Array.of(1, 2), y); // y = [3, 5]
 * ```
 */
export function axpy(a: number, x: ArrayLike<number>, y: Float64Array): void {
  for (let j = 0; j < y.length; j++) y[j] += a * x[j];
}

/**
 * Largest absolute value (the ∞-norm); 0 for an empty vector.
 *
 * @example
 * ```ts
 * maxAbs(Float64Array.of(1, -3, 2)); // 3
 * ```
 */
export function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let j = 0; j < v.length; j++) m = Math.max(m, Math.abs(v[j]));
  return m;
}

/**
 * Matrix–vector product A·v (`out`, of length `A.rows`, is overwritten and returned).
 *
 * @example
 * ```ts
 * matVec(toMatrix([[1, 2], [3, 4]]), [1, 1]); // [3, 7]
 * ```
 */
export function matVec(A: Matrix, v: ArrayLike<number>, out = new Float64Array(A.rows)): Float64Array {
  const n = A.cols;
  for (let i = 0; i < A.rows; i++) {
    let s = 0;
    const o = i * n;
    for (let j = 0; j < n; j++) s += A.data[o + j] * v[j];
    out[i] = s;
  }
  return out;
}

/**
 * Largest eigenvalue of a symmetric positive semi-definite matrix by power iteration from the
 * uniform unit vector: λ ≈ ‖A·v‖, stopping when it changes by less than `rtol` (relative) or
 * after `maxIter` products. O(n²) per iteration, so it suits the n × n kernel matrices for which
 * {@link symmetricEigen} (O(n³)) is too slow; returns 0 when A·v vanishes.
 *
 * @example
 * ```ts
 * largestEigenvalue(toMatrix([[2, 1], [1, 2]])); // ≈ 3
 * ```
 */
export function largestEigenvalue(A: Matrix, maxIter = 50, rtol = 1e-6): number {
  const m = A.rows;
  let v = new Float64Array(m).fill(1 / Math.sqrt(m));
  let lambda = 0;
  const out = new Float64Array(m);
  for (let it = 0; it < maxIter; it++) {
    matVec(A, v, out);
    const norm = Math.sqrt(dot(out, out));
    if (!(norm > 0)) return 0;
    const next = Float64Array.from(out, (x) => x / norm);
    if (Math.abs(norm - lambda) < rtol * norm) return norm;
    lambda = norm;
    v = next;
  }
  return lambda;
}
