/**
 * Small host tensors for constant folding: everything in the TF.js graph that depends only on
 * the weights and the FIXED input shape (jax2tf's int32 shape arithmetic, resize index tables,
 * weight transposes) is evaluated here once at conversion time, so the ONNX graph keeps only
 * the data path. Row-major, float32 math rounded per op like TF's kernels.
 */

export type DType = 'float32' | 'int32' | 'bool'
export type TypedData = Float32Array | Int32Array | Uint8Array

export interface Tensor {
  dtype: DType
  shape: number[]
  data: TypedData
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1)
}

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length)
  let acc = 1
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc
    acc *= shape[i]!
  }
  return s
}

export function allocate(dtype: DType, size: number): TypedData {
  if (dtype === 'float32') return new Float32Array(size)
  if (dtype === 'int32') return new Int32Array(size)
  return new Uint8Array(size)
}

export function tensor(dtype: DType, shape: number[], values: ArrayLike<number>): Tensor {
  const data = allocate(dtype, sizeOf(shape))
  if (values.length !== data.length) throw new Error(`tensor of shape [${shape}] needs ${data.length} values, got ${values.length}`)
  data.set(values as ArrayLike<number>)
  return { dtype, shape, data }
}

export function scalarValue(t: Tensor): number {
  if (t.data.length !== 1) throw new Error(`expected a scalar, got shape [${t.shape}]`)
  return t.data[0]!
}

export function toNumbers(t: Tensor): number[] {
  return Array.from(t.data)
}

/** numpy broadcasting of two shapes; throws on incompatible dims */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length)
  const out = new Array<number>(rank)
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1
    const db = b[b.length - rank + i] ?? 1
    if (da !== db && da !== 1 && db !== 1) throw new Error(`shapes [${a}] and [${b}] do not broadcast`)
    out[i] = da === 1 ? db : da
  }
  return out
}

/** index map from an output of `outShape` into a broadcast input of `shape` */
function broadcastIndex(shape: readonly number[], outShape: readonly number[]): Int32Array {
  const n = sizeOf(outShape)
  const idx = new Int32Array(n)
  const rank = outShape.length
  const inStrides = stridesOf(shape)
  const strides = new Array<number>(rank).fill(0)
  for (let i = 0; i < shape.length; i++) {
    const o = rank - shape.length + i
    strides[o] = shape[i] === 1 ? 0 : inStrides[i]!
  }
  const counter = new Array<number>(rank).fill(0)
  let offset = 0
  for (let k = 0; k < n; k++) {
    idx[k] = offset
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++
      offset += strides[d]!
      if (counter[d]! < outShape[d]!) break
      offset -= strides[d]! * outShape[d]!
      counter[d] = 0
    }
  }
  return idx
}

export function broadcastTo(t: Tensor, shape: number[]): Tensor {
  const out = broadcastShapes(t.shape, shape)
  const idx = broadcastIndex(t.shape, out)
  const data = allocate(t.dtype, idx.length)
  for (let k = 0; k < idx.length; k++) data[k] = t.data[idx[k]!]!
  return { dtype: t.dtype, shape: out, data }
}

export function binary(a: Tensor, b: Tensor, outDtype: DType, fn: (x: number, y: number) => number): Tensor {
  const shape = broadcastShapes(a.shape, b.shape)
  const ia = broadcastIndex(a.shape, shape)
  const ib = broadcastIndex(b.shape, shape)
  const data = allocate(outDtype, ia.length)
  for (let k = 0; k < ia.length; k++) data[k] = fn(a.data[ia[k]!]!, b.data[ib[k]!]!)
  return { dtype: outDtype, shape, data }
}

export function unary(a: Tensor, outDtype: DType, fn: (x: number) => number): Tensor {
  const data = allocate(outDtype, a.data.length)
  for (let k = 0; k < data.length; k++) data[k] = fn(a.data[k]!)
  return { dtype: outDtype, shape: [...a.shape], data }
}

export function select(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  const shape = broadcastShapes(broadcastShapes(cond.shape, a.shape), b.shape)
  const ic = broadcastIndex(cond.shape, shape)
  const ia = broadcastIndex(a.shape, shape)
  const ib = broadcastIndex(b.shape, shape)
  const data = allocate(a.dtype, ic.length)
  for (let k = 0; k < ic.length; k++) data[k] = cond.data[ic[k]!] ? a.data[ia[k]!]! : b.data[ib[k]!]!
  return { dtype: a.dtype, shape, data }
}

export function reshape(t: Tensor, shape: number[]): Tensor {
  return { ...t, shape: resolveReshape(t.shape, shape) }
}

/** TF/ONNX reshape target with one optional -1 resolved against the element count */
export function resolveReshape(from: readonly number[], to: readonly number[]): number[] {
  const total = sizeOf(from)
  const known = to.reduce((a, d) => (d === -1 ? a : a * d), 1)
  const out = to.map((d) => (d === -1 ? total / known : d))
  if (sizeOf(out) !== total || out.some((d) => !Number.isInteger(d) || d < 0))
    throw new Error(`cannot reshape [${from}] to [${to}]`)
  return out
}

export function transpose(t: Tensor, perm: readonly number[]): Tensor {
  const shape = perm.map((p) => t.shape[p]!)
  const inStrides = stridesOf(t.shape)
  const strides = perm.map((p) => inStrides[p]!)
  const data = allocate(t.dtype, t.data.length)
  const rank = shape.length
  const counter = new Array<number>(rank).fill(0)
  let offset = 0
  for (let k = 0; k < data.length; k++) {
    data[k] = t.data[offset]!
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++
      offset += strides[d]!
      if (counter[d]! < shape[d]!) break
      offset -= strides[d]! * shape[d]!
      counter[d] = 0
    }
  }
  return { dtype: t.dtype, shape, data }
}

export function concat(parts: readonly Tensor[], axis: number): Tensor {
  const first = parts[0]!
  const rank = first.shape.length
  const ax = axis < 0 ? axis + rank : axis
  const outer = sizeOf(first.shape.slice(0, ax))
  const shape = [...first.shape]
  shape[ax] = parts.reduce((a, p) => a + p.shape[ax]!, 0)
  const data = allocate(first.dtype, sizeOf(shape))
  let offset = 0
  for (let o = 0; o < outer; o++)
    for (const p of parts) {
      const chunk = sizeOf(p.shape.slice(ax))
      data.set(p.data.subarray(o * chunk, (o + 1) * chunk) as never, offset)
      offset += chunk
    }
  return { dtype: first.dtype, shape, data }
}

export function reduceSum(t: Tensor, axes: readonly number[], keepDims: boolean): Tensor {
  const rank = t.shape.length
  const norm = new Set(axes.map((a) => (a < 0 ? a + rank : a)))
  const keptShape = t.shape.map((d, i) => (norm.has(i) ? 1 : d))
  const data = allocate(t.dtype, sizeOf(keptShape))
  const outStrides = stridesOf(keptShape)
  const acc = new Float64Array(data.length)
  const counter = new Array<number>(rank).fill(0)
  for (let k = 0; k < t.data.length; k++) {
    let o = 0
    for (let d = 0; d < rank; d++) if (!norm.has(d)) o += counter[d]! * outStrides[d]!
    acc[o]! += t.data[k]!
    for (let d = rank - 1; d >= 0; d--) {
      if (++counter[d]! < t.shape[d]!) break
      counter[d] = 0
    }
  }
  data.set(acc)
  const shape = keepDims ? keptShape : t.shape.filter((_, i) => !norm.has(i))
  return { dtype: t.dtype, shape, data }
}

export function gather(t: Tensor, indices: Tensor, axis: number): Tensor {
  const rank = t.shape.length
  const ax = axis < 0 ? axis + rank : axis
  const outer = sizeOf(t.shape.slice(0, ax))
  const inner = sizeOf(t.shape.slice(ax + 1))
  const dim = t.shape[ax]!
  const shape = [...t.shape.slice(0, ax), ...indices.shape, ...t.shape.slice(ax + 1)]
  const data = allocate(t.dtype, sizeOf(shape))
  let offset = 0
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < indices.data.length; j++) {
      let i = indices.data[j]!
      if (i < 0) i += dim
      if (i < 0 || i >= dim) throw new Error(`gather index ${indices.data[j]} out of range for axis of size ${dim}`)
      const start = (o * dim + i) * inner
      data.set(t.data.subarray(start, start + inner) as never, offset)
      offset += inner
    }
  return { dtype: t.dtype, shape, data }
}

export function cast(t: Tensor, dtype: DType): Tensor {
  if (dtype === 'int32') return unary(t, 'int32', (x) => Math.trunc(x))
  if (dtype === 'bool') return unary(t, 'bool', (x) => (x !== 0 ? 1 : 0))
  return unary(t, 'float32', (x) => x)
}
