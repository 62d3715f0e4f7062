/**
 * TF StridedSlice semantics (sparse begin/end/strides with the five masks) resolved against a
 * known input shape: used both to fold constant slices and to emit ONNX Slice + Reshape.
 */
import { type Tensor, allocate, sizeOf, stridesOf } from './tensor.ts'

/** Per input dim: first index, step, count; plus the final shape after shrink/new axes. */
export interface SlicePlan {
  starts: number[]
  steps: number[]
  counts: number[]
  outShape: number[]
}

export interface StridedSliceMasks {
  begin: number
  end: number
  ellipsis: number
  newAxis: number
  shrinkAxis: number
}

/** TF StridedSlice semantics (sparse spec with masks) resolved against a known input shape. */
export function planStridedSlice(
  shape: readonly number[],
  begin: readonly number[],
  end: readonly number[],
  strides: readonly number[],
  m: StridedSliceMasks,
): SlicePlan {
  const rank = shape.length
  const plan: SlicePlan = { starts: [], steps: [], counts: [], outShape: [] }
  const full = (d: number) => {
    plan.starts.push(0)
    plan.steps.push(1)
    plan.counts.push(shape[d]!)
    plan.outShape.push(shape[d]!)
  }
  const bit = (mask: number, i: number) => (mask & (1 << i)) !== 0
  let consuming = 0
  for (let i = 0; i < begin.length; i++) if (!bit(m.ellipsis, i) && !bit(m.newAxis, i)) consuming++
  let d = 0
  for (let i = 0; i < begin.length; i++) {
    if (bit(m.ellipsis, i)) {
      const cover = rank - consuming
      for (let k = 0; k < cover; k++) full(d++)
      continue
    }
    if (bit(m.newAxis, i)) {
      plan.outShape.push(1)
      continue
    }
    const s = shape[d]!
    const step = strides[i]!
    if (step === 0) throw new Error('StridedSlice stride 0')
    if (bit(m.shrinkAxis, i)) {
      const idx = begin[i]! < 0 ? begin[i]! + s : begin[i]!
      if (idx < 0 || idx >= s) throw new Error(`StridedSlice index ${begin[i]} out of range for size ${s}`)
      plan.starts.push(idx)
      plan.steps.push(1)
      plan.counts.push(1)
      d++
      continue
    }
    const norm = (v: number) => (v < 0 ? v + s : v)
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi)
    let start: number
    let stop: number
    if (step > 0) {
      start = bit(m.begin, i) ? 0 : clamp(norm(begin[i]!), 0, s)
      stop = bit(m.end, i) ? s : clamp(norm(end[i]!), 0, s)
    } else {
      start = bit(m.begin, i) ? s - 1 : clamp(norm(begin[i]!), -1, s - 1)
      stop = bit(m.end, i) ? -1 : clamp(norm(end[i]!), -1, s - 1)
    }
    const count = Math.max(0, Math.ceil((stop - start) / step))
    plan.starts.push(start)
    plan.steps.push(step)
    plan.counts.push(count)
    plan.outShape.push(count)
    d++
  }
  while (d < rank) full(d++)
  return plan
}

export function applySlice(t: Tensor, plan: SlicePlan): Tensor {
  const inStrides = stridesOf(t.shape)
  const n = sizeOf(plan.counts)
  const data = allocate(t.dtype, n)
  const rank = plan.counts.length
  const counter = new Array<number>(rank).fill(0)
  let base = 0
  for (let d = 0; d < rank; d++) base += plan.starts[d]! * inStrides[d]!
  let offset = base
  for (let k = 0; k < n; k++) {
    data[k] = t.data[offset]!
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++
      offset += plan.steps[d]! * inStrides[d]!
      if (counter[d]! < plan.counts[d]!) break
      offset -= plan.steps[d]! * inStrides[d]! * plan.counts[d]!
      counter[d] = 0
    }
  }
  return { dtype: t.dtype, shape: [...plan.outShape], data }
}
