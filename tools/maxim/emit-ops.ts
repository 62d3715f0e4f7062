/**
 * ONNX (opset 17) emission for the TF ops on the data path, i.e. with at least one input that
 * depends on the image. Shapes are static (fixed tile size), so every shape-like operand is a
 * folded constant and becomes an attribute or an int64 initializer.
 */
import { NCHW_TO_NHWC, NHWC_TO_NCHW, conv2d, conv2dTranspose } from './emit-conv.ts'
import { planEinsum } from './einsum-plan.ts'
import { FUSED_LAYER_NORM } from './fuse-layer-norm.ts'
import { expandShape, squeezeShape, stridedSlicePlan } from './fold-ops.ts'
import { DATA_TYPE } from './onnx-proto.ts'
import { type OnnxBuilder, type Value, constOf, dtypeOf, shapeOf } from './onnx-builder.ts'
import { type TfNode, attrBool, attrInt, attrInts, attrString, attrType } from './tfjs-graph.ts'
import { broadcastShapes, resolveReshape, scalarValue, toNumbers } from './tensor.ts'

export type EmitOp = (node: TfNode, inputs: Value[], b: OnnxBuilder) => Value

function binaryOp(onnx: string, outDtype?: 'bool'): EmitOp {
  return (_node, [x, y], b) =>
    b.emit(onnx, [b.ref(x!), b.ref(y!)], { dtype: outDtype ?? dtypeOf(x!), shape: broadcastShapes(shapeOf(x!), shapeOf(y!)) })
}

function unaryOp(onnx: string): EmitOp {
  return (_node, [x], b) => b.emit(onnx, [b.ref(x!)], { dtype: dtypeOf(x!), shape: shapeOf(x!) })
}

function reduced(shape: readonly number[], axes: readonly number[], keep: boolean): { axes: number[]; shape: number[] } {
  const norm = axes.map((a) => (a < 0 ? a + shape.length : a))
  return {
    axes: norm,
    shape: keep ? shape.map((d, i) => (norm.includes(i) ? 1 : d)) : shape.filter((_, i) => !norm.includes(i)),
  }
}

const einsum: EmitOp = (node, [x, y], b) => {
  const equation = attrString(node, 'equation')
  const plan = planEinsum(equation, shapeOf(x!), shapeOf(y!))
  const a = b.reshape(b.transpose(x!, plan.permA), plan.shapeA)
  const c = b.reshape(b.transpose(y!, plan.permB), plan.shapeB)
  const batch = plan.shapeA.slice(0, -2)
  const product = b.emit('MatMul', [b.ref(a), b.ref(c)], { dtype: 'float32', shape: [...batch, plan.shapeA.at(-2)!, plan.shapeB.at(-1)!] })
  return b.transpose(b.reshape(product, plan.shapeProduct), plan.permOut)
}

const batchMatMul: EmitOp = (node, [x, y], b) => {
  const swapLast = (v: Value, on: boolean) => {
    const r = shapeOf(v).length
    return on ? b.transpose(v, [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2]) : v
  }
  const a = swapLast(x!, attrBool(node, 'adj_x') || attrBool(node, 'transpose_a'))
  const c = swapLast(y!, attrBool(node, 'adj_y') || attrBool(node, 'transpose_b'))
  const [sa, sc] = [shapeOf(a), shapeOf(c)]
  const batch = broadcastShapes(sa.slice(0, -2), sc.slice(0, -2))
  return b.emit('MatMul', [b.ref(a), b.ref(c)], { dtype: 'float32', shape: [...batch, sa.at(-2)!, sc.at(-1)!] })
}

/** the package's custom ScaleAndTranslate is tf.image.resizeNearestNeighbor(input, size) */
const scaleAndTranslate: EmitOp = (node, [x, size], b) => {
  const [oh, ow] = toNumbers(constOf(node, size, 'size'))
  const [n, , , c] = shapeOf(x!) as [number, number, number, number]
  const y = b.emit('Resize', [b.ref(b.transpose(x!, NHWC_TO_NCHW)), '', '', b.int64([n, c, oh!, ow!])], { dtype: 'float32', shape: [n, c, oh!, ow!] }, [
    { name: 'mode', type: 'string', value: 'nearest' },
    { name: 'coordinate_transformation_mode', type: 'string', value: 'asymmetric' },
    { name: 'nearest_mode', type: 'string', value: 'floor' },
  ])
  return b.transpose(y, NCHW_TO_NHWC)
}

const stridedSlice: EmitOp = (node, [x, begin, end, strides], b) => {
  const shape = shapeOf(x!)
  const plan = stridedSlicePlan(node, shape, constOf(node, begin, 'begin'), constOf(node, end, 'end'), constOf(node, strides, 'strides'))
  const axes: number[] = []
  const starts: number[] = []
  const ends: number[] = []
  const steps: number[] = []
  plan.counts.forEach((count, d) => {
    if (plan.starts[d] === 0 && plan.steps[d] === 1 && count === shape[d]) return
    axes.push(d)
    starts.push(plan.starts[d]!)
    const stop = plan.starts[d]! + plan.steps[d]! * count
    ends.push(stop < 0 ? -(2 ** 53) : stop) // a negative stop means "past the front"
    steps.push(plan.steps[d]!)
  })
  const sliced = axes.length
    ? b.emit('Slice', [b.ref(x!), b.int64(starts), b.int64(ends), b.int64(axes), b.int64(steps)], { dtype: dtypeOf(x!), shape: plan.counts })
    : x!
  return b.reshape(sliced, plan.outShape)
}

/** see fuse-layer-norm.ts: checks the folded constants, then one LayerNormalization over the last axis */
const fusedLayerNorm: EmitOp = (node, [x, scale, bias, eps, axes, count], b) => {
  const shape = shapeOf(x!)
  const channels = shape.at(-1)!
  const axis = toNumbers(constOf(node, axes, 'axes'))
  const k = scalarValue(constOf(node, count, 'mean scale'))
  const scaleT = constOf(node, scale, 'scale')
  const biasT = constOf(node, bias, 'bias')
  const meanScale = attrBool(node, 'count_is_divisor') ? 1 / k : k
  if (axis.length !== 1 || (axis[0] !== -1 && axis[0] !== shape.length - 1) || Math.abs(meanScale * channels - 1) > 1e-6)
    throw new Error(`the fused layer norm does not average over the last axis (axes [${axis}], 1/${1 / meanScale}, ${channels} channels)`)
  if (scaleT.data.length !== channels || biasT.data.length !== channels)
    throw new Error(`the fused layer norm's scale/bias have ${scaleT.data.length}/${biasT.data.length} values for ${channels} channels`)
  return b.emit(
    'LayerNormalization',
    [b.ref(x!), b.ref(b.reshape({ kind: 'const', tensor: scaleT }, [channels])), b.ref(b.reshape({ kind: 'const', tensor: biasT }, [channels]))],
    { dtype: 'float32', shape },
    [
      { name: 'axis', type: 'int', value: -1 },
      { name: 'epsilon', type: 'float', value: scalarValue(constOf(node, eps, 'epsilon')) },
    ],
  )
}

export const EMIT_OPS: Record<string, EmitOp> = {
  [FUSED_LAYER_NORM]: fusedLayerNorm,
  Identity: (_n, [x]) => x!,
  AddV2: binaryOp('Add'),
  Add: binaryOp('Add'),
  Sub: binaryOp('Sub'),
  Mul: binaryOp('Mul'),
  RealDiv: binaryOp('Div'),
  Maximum: binaryOp('Max'),
  Minimum: binaryOp('Min'),
  Pow: binaryOp('Pow'),
  GreaterEqual: binaryOp('GreaterOrEqual', 'bool'),
  Greater: binaryOp('Greater', 'bool'),
  LessEqual: binaryOp('LessOrEqual', 'bool'),
  Less: binaryOp('Less', 'bool'),
  Equal: binaryOp('Equal', 'bool'),
  Neg: unaryOp('Neg'),
  Exp: unaryOp('Exp'),
  Tanh: unaryOp('Tanh'),
  Abs: unaryOp('Abs'),
  Sqrt: unaryOp('Sqrt'),
  Floor: unaryOp('Floor'),
  Sign: unaryOp('Sign'),
  Relu: unaryOp('Relu'),
  Sigmoid: unaryOp('Sigmoid'),
  Erf: unaryOp('Erf'),
  Reciprocal: unaryOp('Reciprocal'),
  Square: (_n, [x], b) => b.emit('Mul', [b.ref(x!), b.ref(x!)], { dtype: dtypeOf(x!), shape: shapeOf(x!) }),
  Rsqrt: (_n, [x], b) => {
    const root = b.emit('Sqrt', [b.ref(x!)], { dtype: dtypeOf(x!), shape: shapeOf(x!) })
    return b.emit('Reciprocal', [b.ref(root)], { dtype: dtypeOf(x!), shape: shapeOf(x!) })
  },
  SelectV2: (_n, [c, x, y], b) =>
    b.emit('Where', [b.ref(c!), b.ref(x!), b.ref(y!)], {
      dtype: dtypeOf(x!),
      shape: broadcastShapes(broadcastShapes(shapeOf(c!), shapeOf(x!)), shapeOf(y!)),
    }),
  Cast: (node, [x], b) => {
    const to = attrType(node, 'DstT')
    return b.emit('Cast', [b.ref(x!)], { dtype: to, shape: shapeOf(x!) }, [{ name: 'to', type: 'int', value: DATA_TYPE[to] }])
  },
  Sum: (node, [x, axes], b) => {
    const r = reduced(shapeOf(x!), toNumbers(constOf(node, axes, 'axes')), attrBool(node, 'keep_dims'))
    return b.emit('ReduceSum', [b.ref(x!), b.int64(r.axes)], { dtype: dtypeOf(x!), shape: r.shape }, [
      { name: 'keepdims', type: 'int', value: attrBool(node, 'keep_dims') ? 1 : 0 },
    ])
  },
  Mean: (node, [x, axes], b) => {
    const r = reduced(shapeOf(x!), toNumbers(constOf(node, axes, 'axes')), attrBool(node, 'keep_dims'))
    return b.emit('ReduceMean', [b.ref(x!)], { dtype: dtypeOf(x!), shape: r.shape }, [
      { name: 'axes', type: 'ints', value: r.axes },
      { name: 'keepdims', type: 'int', value: attrBool(node, 'keep_dims') ? 1 : 0 },
    ])
  },
  Reshape: (node, [x, s], b) => b.reshape(x!, resolveReshape(shapeOf(x!), toNumbers(constOf(node, s, 'shape')))),
  ExpandDims: (node, [x, axis], b) => b.reshape(x!, expandShape(shapeOf(x!), scalarValue(constOf(node, axis, 'axis')))),
  Squeeze: (node, [x], b) => b.reshape(x!, squeezeShape(shapeOf(x!), attrInts(node, 'squeeze_dims'))),
  Transpose: (node, [x, perm], b) => b.transpose(x!, toNumbers(constOf(node, perm, 'perm'))),
  BroadcastTo: (node, [x, s], b) => {
    const shape = broadcastShapes(shapeOf(x!), toNumbers(constOf(node, s, 'shape')))
    return b.emit('Expand', [b.ref(x!), b.int64(shape)], { dtype: dtypeOf(x!), shape })
  },
  ConcatV2: (node, inputs, b) => {
    const parts = inputs.slice(0, -1)
    const rank = shapeOf(parts[0]!).length
    let axis = scalarValue(constOf(node, inputs.at(-1), 'axis'))
    if (axis < 0) axis += rank
    const shape = [...shapeOf(parts[0]!)]
    shape[axis] = parts.reduce((s, p) => s + shapeOf(p)[axis]!, 0)
    return b.emit('Concat', parts.map((p) => b.ref(p)), { dtype: dtypeOf(parts[0]!), shape }, [{ name: 'axis', type: 'int', value: axis }])
  },
  Pack: (node, inputs, b) => {
    const axis = attrInt(node, 'axis', 0)
    const parts = inputs.map((v) => b.reshape(v, expandShape(shapeOf(v), axis)))
    const ax = axis < 0 ? axis + shapeOf(inputs[0]!).length + 1 : axis
    const shape = [...shapeOf(parts[0]!)]
    shape[ax] = parts.length
    return b.emit('Concat', parts.map((p) => b.ref(p)), { dtype: dtypeOf(parts[0]!), shape }, [{ name: 'axis', type: 'int', value: ax }])
  },
  GatherV2: (node, [x, indices, axis], b) => {
    if (attrInt(node, 'batch_dims', 0) !== 0) throw new Error(`GatherV2 node "${node.name}": batch_dims is not supported`)
    const idx = constOf(node, indices, 'indices')
    const shape = shapeOf(x!)
    let ax = scalarValue(constOf(node, axis, 'axis'))
    if (ax < 0) ax += shape.length
    const out = [...shape.slice(0, ax), ...idx.shape, ...shape.slice(ax + 1)]
    return b.emit('Gather', [b.ref(x!), b.int64(toNumbers(idx), idx.shape)], { dtype: dtypeOf(x!), shape: out }, [
      { name: 'axis', type: 'int', value: ax },
    ])
  },
  StridedSlice: stridedSlice,
  Conv2D: conv2d,
  Conv2DBackpropInput: conv2dTranspose,
  Einsum: einsum,
  BatchMatMulV2: batchMatMul,
  BatchMatMul: batchMatMul,
  MatMul: batchMatMul,
  ScaleAndTranslate: scaleAndTranslate,
}
