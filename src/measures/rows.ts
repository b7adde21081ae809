/**
 * Data matrices for the linear models and PCA: dense row-major floats, or compressed sparse
 * rows (CSR) for hashed TF-IDF text features, where a message touches a few hundred of 8192
 * buckets and every pass over the data is ~20× cheaper sparse. The algorithms that take `Rows`
 * only need X·W ({@link multiply}) and Xᵀ·R ({@link addTransposeProduct}); see the module
 * comment of `linalg.ts` for how `Rows` relates to the dense {@link Matrix}.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { addProduct, type Matrix } from './linalg.ts';

/**
 * An `n × d` feature matrix, dense or sparse (CSR).
 *
 * @example
 * ```ts
 * const X: Rows = denseRows(Float32Array.of(1, 0, 0, 2), 2, 2);
 * const S: Rows = toSparse(X); // same values, CSR
 * ```
 */
export type Rows =
  | { kind: 'dense'; n: number; d: number; data: Float32Array | Float64Array }
  | { kind: 'sparse'; n: number; d: number; indptr: Int32Array; indices: Int32Array; values: Float32Array };

/**
 * Wraps a row-major buffer as dense {@link Rows}.
 *
 * @example
 * ```ts
 * denseRows(new Float32Array(6), 2, 3).d; // 3
 * ```
 */
export function denseRows(data: Float32Array | Float64Array, n: number, d: number): Rows {
  if (data.length !== n * d) throw new TransferkitError('SHAPE_MISMATCH', `${data.length} values for ${n}×${d} rows`);
  return { kind: 'dense', n, d, data };
}

/**
 * A {@link Matrix} as dense {@link Rows}: a view of the same buffer, no copy.
 *
 * @example
 * ```ts
 * rowsFromMatrix(toMatrix([[1, 2], [3, 4]])).n; // 2
 * ```
 */
export function rowsFromMatrix(M: Matrix): Rows {
  return { kind: 'dense', n: M.rows, d: M.cols, data: M.data };
}

/**
 * {@link Rows} (dense or sparse) as a new dense {@link Matrix}.
 *
 * @example
 * ```ts
 * matrixFromRows(toSparse(denseRows(Float32Array.of(0, 3), 1, 2))).data; // [0, 3]
 * ```
 */
export function matrixFromRows(X: Rows): Matrix {
  return { rows: X.n, cols: X.d, data: toDense(X) };
}

/**
 * Converts dense rows to CSR (zeros dropped); sparse rows are returned as they are.
 *
 * @example
 * ```ts
 * toSparse(denseRows(Float32Array.of(0, 3), 1, 2)); // indices [1], values [3]
 * ```
 */
export function toSparse(X: Rows): Rows {
  if (X.kind === 'sparse') return X;
  const { n, d, data } = X;
  let nnz = 0;
  for (let k = 0; k < data.length; k++) if (data[k] !== 0) nnz++;
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let p = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = data[i * d + j];
      if (v !== 0) {
        indices[p] = j;
        values[p++] = v;
      }
    }
    indptr[i + 1] = p;
  }
  return { kind: 'sparse', n, d, indptr, indices, values };
}

/**
 * Dense or sparse, whichever is cheaper: CSR when at most `maxDensity` of the values are non-zero.
 *
 * @example
 * ```ts
 * const X = autoRows(tfidf, n, 8192); // sparse for text
 * ```
 */
export function autoRows(data: Float32Array | Float64Array, n: number, d: number, maxDensity = 0.25): Rows {
  let nnz = 0;
  for (let k = 0; k < data.length; k++) if (data[k] !== 0) nnz++;
  const dense = denseRows(data, n, d);
  return nnz <= maxDensity * data.length ? toSparse(dense) : dense;
}

/**
 * The rows at `idx`, in that order.
 *
 * @example
 * ```ts
 * const firstTwo = pickRows(X, [0, 1]);
 * ```
 */
export function pickRows(X: Rows, idx: ArrayLike<number>): Rows {
  const m = idx.length;
  if (X.kind === 'dense') {
    const data = new Float64Array(m * X.d);
    for (let r = 0; r < m; r++) for (let j = 0; j < X.d; j++) data[r * X.d + j] = X.data[idx[r] * X.d + j];
    return { kind: 'dense', n: m, d: X.d, data };
  }
  const indptr = new Int32Array(m + 1);
  for (let r = 0; r < m; r++) indptr[r + 1] = indptr[r] + X.indptr[idx[r] + 1] - X.indptr[idx[r]];
  const indices = new Int32Array(indptr[m]);
  const values = new Float32Array(indptr[m]);
  for (let r = 0; r < m; r++) {
    const a = X.indptr[idx[r]];
    const b = X.indptr[idx[r] + 1];
    indices.set(X.indices.subarray(a, b), indptr[r]);
    values.set(X.values.subarray(a, b), indptr[r]);
  }
  return { kind: 'sparse', n: m, d: X.d, indptr, indices, values };
}

/**
 * The rows of `A` followed by the rows of `B` (same kind and width).
 *
 * @example
 * ```ts
 * const pooled = stackRows(source, target);
 * ```
 */
export function stackRows(A: Rows, B: Rows): Rows {
  if (A.d !== B.d) throw new TransferkitError('SHAPE_MISMATCH', `Cannot stack rows of ${A.d} and ${B.d} features`);
  if (A.kind === 'dense' && B.kind === 'dense') {
    const data = new Float64Array((A.n + B.n) * A.d);
    data.set(A.data, 0);
    data.set(B.data, A.n * A.d);
    return { kind: 'dense', n: A.n + B.n, d: A.d, data };
  }
  const a = toSparse(A) as Extract<Rows, { kind: 'sparse' }>;
  const b = toSparse(B) as Extract<Rows, { kind: 'sparse' }>;
  const nnzA = a.indptr[a.n];
  const indptr = new Int32Array(a.n + b.n + 1);
  indptr.set(a.indptr, 0);
  for (let i = 1; i <= b.n; i++) indptr[a.n + i] = nnzA + b.indptr[i];
  const indices = new Int32Array(nnzA + b.indptr[b.n]);
  const values = new Float32Array(indices.length);
  indices.set(a.indices.subarray(0, nnzA), 0);
  indices.set(b.indices.subarray(0, b.indptr[b.n]), nnzA);
  values.set(a.values.subarray(0, nnzA), 0);
  values.set(b.values.subarray(0, b.indptr[b.n]), nnzA);
  return { kind: 'sparse', n: a.n + b.n, d: a.d, indptr, indices, values };
}

/**
 * Rows as one dense row-major `Float64Array`.
 *
 * @example
 * ```ts
 * const flat = toDense(X); // n·d values
 * ```
 */
export function toDense(X: Rows): Float64Array {
  if (X.kind === 'dense') return Float64Array.from(X.data);
  const out = new Float64Array(X.n * X.d);
  for (let i = 0; i < X.n; i++) for (let p = X.indptr[i]; p < X.indptr[i + 1]; p++) out[i * X.d + X.indices[p]] = X.values[p];
  return out;
}

/**
 * Row `i` of X into the first `d` entries of `out` (zeros filled in for a sparse row).
 *
 * @example
 * ```ts
 * rowInto(toSparse(denseRows(Float32Array.of(0, 3), 1, 2)), 0, new Float64Array(2)); // [0, 3]
 * ```
 */
export function rowInto(X: Rows, i: number, out: Float64Array): Float64Array {
  const d = X.d;
  if (X.kind === 'dense') {
    for (let j = 0; j < d; j++) out[j] = X.data[i * d + j];
    return out;
  }
  out.fill(0, 0, d);
  for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) out[X.indices[q]] = X.values[q];
  return out;
}

/**
 * `out = X · W` for a row-major `d × k` matrix `W` (`out` is `n × k`, overwritten).
 *
 * @example
 * ```ts
 * const Z = multiply(X, W, k);
 * ```
 */
export function multiply(X: Rows, W: ArrayLike<number>, k: number, out = new Float64Array(X.n * k)): Float64Array {
  out.fill(0);
  return X.kind === 'dense' ? addProduct(X.data, X.n, X.d, W, k, out) : addSparseProduct(X, W, k, out, false);
}

/**
 * Adds `Xᵀ · R` into `G` (`d × k`) for an `n × k` matrix `R`.
 *
 * @example
 * ```ts
 * addTransposeProduct(X, residuals, k, grad);
 * ```
 */
export function addTransposeProduct(X: Rows, R: ArrayLike<number>, k: number, G: Float64Array): void {
  if (X.kind === 'dense') addProduct(X.data, X.n, X.d, R, k, G, true);
  else addSparseProduct(X, R, k, G, true);
}

/**
 * `out` += X·B (B `d × k`) or, with `transposeX`, Xᵀ·B (B `n × k`), over the stored entries of
 * CSR rows. The two loops differ only in which index picks the row of `out` and of `B`; they are
 * kept apart because choosing per stored entry costs ~25% of a text fit (k = 2: the innermost
 * loop is two multiply-adds).
 */
function addSparseProduct(X: Extract<Rows, { kind: 'sparse' }>, B: ArrayLike<number>, k: number, out: Float64Array, transposeX: boolean): Float64Array {
  const { n, indptr, indices, values } = X;
  for (let i = 0; i < n; i++) {
    const rowOffset = i * k;
    for (let p = indptr[i]; p < indptr[i + 1]; p++) {
      const v = values[p];
      const colOffset = indices[p] * k;
      if (transposeX) for (let c = 0; c < k; c++) out[colOffset + c] += v * B[rowOffset + c];
      else for (let c = 0; c < k; c++) out[rowOffset + c] += v * B[colOffset + c];
    }
  }
  return out;
}

/**
 * Squared Euclidean norm of every row.
 *
 * @example
 * ```ts
 * rowSquaredNorms(X)[0]; // ‖x₀‖²
 * ```
 */
export function rowSquaredNorms(X: Rows): Float64Array {
  const out = new Float64Array(X.n);
  if (X.kind === 'dense') {
    for (let i = 0; i < X.n; i++) {
      let s = 0;
      for (let j = 0; j < X.d; j++) s += X.data[i * X.d + j] ** 2;
      out[i] = s;
    }
  } else {
    for (let i = 0; i < X.n; i++) {
      let s = 0;
      for (let p = X.indptr[i]; p < X.indptr[i + 1]; p++) s += X.values[p] ** 2;
      out[i] = s;
    }
  }
  return out;
}

/**
 * Concatenates row blocks of one width into sparse rows (dense blocks are converted).
 *
 * @example
 * ```ts
 * const all = concatRows([chunk1, chunk2, chunk3]);
 * ```
 */
export function concatRows(blocks: readonly Rows[], d: number): Rows {
  const sparse = blocks.map((b) => {
    if (b.d !== d) throw new TransferkitError('SHAPE_MISMATCH', `Cannot join rows of ${b.d} and ${d} features`);
    return toSparse(b) as Extract<Rows, { kind: 'sparse' }>;
  });
  const n = sparse.reduce((a, b) => a + b.n, 0);
  const nnz = sparse.reduce((a, b) => a + b.indptr[b.n], 0);
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let row = 0;
  let pos = 0;
  for (const b of sparse) {
    const m = b.indptr[b.n];
    indices.set(b.indices.subarray(0, m), pos);
    values.set(b.values.subarray(0, m), pos);
    for (let i = 1; i <= b.n; i++) indptr[row + i] = pos + b.indptr[i];
    row += b.n;
    pos += m;
  }
  return { kind: 'sparse', n, d, indptr, indices, values };
}
