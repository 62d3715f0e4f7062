/**
 * Constant evaluation of TF ops whose inputs are all known at conversion time. In MAXIM's
 * jax2tf graph these are ~20 000 nodes of int32 shape arithmetic (jax's shape polymorphism:
 * floordiv/mod with sign fix-ups, Pack of dims) plus weight transposes; with a fixed tile
 * size they all collapse to constants (issue 7: "int32 shape arithmetic folded").
 */
import { type TfNode, attrBool, attrInt, attrInts, attrType } from './tfjs-graph.ts'
import { applySlice, planStridedSlice } from './strided-slice.ts'
import {
  type Tensor,
  binary,
  broadcastTo,
  cast,
  concat,
  gather,
  reduceSum,
  reshape,
  scalarValue,
  select,
  tensor,
  toNumbers,
  transpose,
  unary,
} from './tensor.ts'

type FoldOp = (node: TfNode, inputs: Tensor[]) => Tensor

const floorDiv = (x: number, y: number) => Math.floor(x / y)
const floorMod = (x: number, y: number) => x - Math.floor(x / y) * y

function arith(fn: (x: number, y: number) => number): FoldOp {
  return (_node, [a, b]) => binary(a!, b!, a!.dtype, fn)
}
function compare(fn: (x: number, y: number) => boolean): FoldOp {
  return (_node, [a, b]) => binary(a!, b!, 'bool', (x, y) => (fn(x, y) ? 1 : 0))
}
function elementwise(fn: (x: number) => number): FoldOp {
  return (_node, [a]) => unary(a!, a!.dtype, fn)
}

/** ExpandDims/Pack axis semantics: insert a 1 at `axis` (negative counts from the new rank). */
export function expandShape(shape: readonly number[], axis: number): number[] {
  const ax = axis < 0 ? axis + shape.length + 1 : axis
  return [...shape.slice(0, ax), 1, ...shape.slice(ax)]
}

export function squeezeShape(shape: readonly number[], dims: readonly number[]): number[] {
  const norm = dims.map((d) => (d < 0 ? d + shape.length : d))
  return shape.filter((d, i) => (norm.length === 0 ? d !== 1 : !norm.includes(i)))
}

export function stridedSlicePlan(node: TfNode, shape: readonly number[], begin: Tensor, end: Tensor, strides: Tensor) {
  return planStridedSlice(shape, toNumbers(begin), toNumbers(end), toNumbers(strides), {
    begin: attrInt(node, 'begin_mask', 0),
    end: attrInt(node, 'end_mask', 0),
    ellipsis: attrInt(node, 'ellipsis_mask', 0),
    newAxis: attrInt(node, 'new_axis_mask', 0),
    shrinkAxis: attrInt(node, 'shrink_axis_mask', 0),
  })
}

export const FOLD_OPS: Record<string, FoldOp> = {
  Identity: (_n, [a]) => a!,
  AddV2: arith((x, y) => x + y),
  Add: arith((x, y) => x + y),
  Sub: arith((x, y) => x - y),
  Mul: (_n, [a, b]) => binary(a!, b!, a!.dtype, a!.dtype === 'int32' ? Math.imul : (x, y) => x * y),
  RealDiv: arith((x, y) => x / y),
  FloorDiv: (_n, [a, b]) => binary(a!, b!, a!.dtype, a!.dtype === 'int32' ? floorDiv : (x, y) => Math.floor(x / y)),
  FloorMod: arith(floorMod),
  Maximum: arith(Math.max),
  Minimum: arith(Math.min),
  Square: elementwise((x) => x * x),
  Neg: elementwise((x) => -x),
  Abs: elementwise(Math.abs),
  Sign: elementwise(Math.sign),
  Floor: elementwise(Math.floor),
  Exp: elementwise(Math.exp),
  Tanh: elementwise(Math.tanh),
  Sqrt: elementwise(Math.sqrt),
  Rsqrt: elementwise((x) => 1 / Math.sqrt(x)),
  Reciprocal: elementwise((x) => 1 / x),
  NotEqual: compare((x, y) => x !== y),
  Equal: compare((x, y) => x === y),
  Less: compare((x, y) => x < y),
  LessEqual: compare((x, y) => x <= y),
  Greater: compare((x, y) => x > y),
  GreaterEqual: compare((x, y) => x >= y),
  LogicalAnd: compare((x, y) => x !== 0 && y !== 0),
  LogicalOr: compare((x, y) => x !== 0 || y !== 0),
  LogicalNot: (_n, [a]) => unary(a!, 'bool', (x) => (x === 0 ? 1 : 0)),
  SelectV2: (_n, [c, a, b]) => select(c!, a!, b!),
  Cast: (node, [a]) => cast(a!, attrType(node, 'DstT')),
  Reshape: (_n, [a, s]) => reshape(a!, toNumbers(s!)),
  Transpose: (_n, [a, p]) => transpose(a!, toNumbers(p!)),
  BroadcastTo: (_n, [a, s]) => broadcastTo(a!, toNumbers(s!)),
  ExpandDims: (_n, [a, axis]) => reshape(a!, expandShape(a!.shape, scalarValue(axis!))),
  Squeeze: (node, [a]) => reshape(a!, squeezeShape(a!.shape, attrInts(node, 'squeeze_dims'))),
  Sum: (node, [a, axes]) => reduceSum(a!, toNumbers(axes!), attrBool(node, 'keep_dims')),
  ConcatV2: (_n, inputs) => concat(inputs.slice(0, -1), scalarValue(inputs[inputs.length - 1]!)),
  Pack: (node, inputs) => {
    const axis = attrInt(node, 'axis', 0)
    return concat(
      inputs.map((t) => reshape(t, expandShape(t.shape, axis))),
      axis < 0 ? axis + inputs[0]!.shape.length + 1 : axis,
    )
  },
  GatherV2: (node, [params, indices, axis]) => {
    if (attrInt(node, 'batch_dims', 0) !== 0) throw new Error(`GatherV2 node "${node.name}": batch_dims is not supported`)
    return gather(params!, indices!, scalarValue(axis!))
  },
  Range: (node, [start, limit, delta]) => {
    const [s, l, d] = [scalarValue(start!), scalarValue(limit!), scalarValue(delta!)]
    const n = Math.max(0, Math.ceil((l - s) / d))
    return tensor(attrType(node, 'Tidx'), [n], Array.from({ length: n }, (_, i) => s + i * d))
  },
  StridedSlice: (node, [a, begin, end, strides]) => applySlice(a!, stridedSlicePlan(node, a!.shape, begin!, end!, strides!)),
}
