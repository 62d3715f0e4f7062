/**
 * Conv2D and Conv2DBackpropInput in NHWC → ONNX Conv / ConvTranspose (NCHW, OIHW weights) with
 * the padding TF derives for SAME/VALID/EXPLICIT; 1×1 convs become a MatMul over channels.
 */
import type { EmitOp } from './emit-ops.ts'
import { constOf, shapeOf } from './onnx-builder.ts'
import { type TfNode, attrInts, attrString } from './tfjs-graph.ts'
import { toNumbers } from './tensor.ts'

/** TF 'SAME' padding split (extra pixel at the end), per spatial dim */
function samePads(inSize: number, k: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(inSize / stride)
  const total = Math.max((out - 1) * stride + (k - 1) * dilation + 1 - inSize, 0)
  return [Math.floor(total / 2), total - Math.floor(total / 2)]
}

function spatialPads(node: TfNode, inH: number, inW: number, kh: number, kw: number, s: number[], d: number[]): number[] {
  const padding = attrString(node, 'padding')
  if (padding === 'VALID') return [0, 0, 0, 0]
  if (padding === 'SAME') {
    const [t, bottom] = samePads(inH, kh, s[0]!, d[0]!)
    const [l, r] = samePads(inW, kw, s[1]!, d[1]!)
    return [t, l, bottom, r]
  }
  if (padding === 'EXPLICIT') {
    const p = attrInts(node, 'explicit_paddings') // NHWC pairs
    return [p[2]!, p[4]!, p[3]!, p[5]!]
  }
  throw new Error(`${node.op} node "${node.name}": padding "${padding}" is not supported`)
}

function nhwcOnly(node: TfNode): void {
  const format = node.attr['data_format'] ? attrString(node, 'data_format') : 'NHWC'
  if (format !== 'NHWC') throw new Error(`${node.op} node "${node.name}": data_format ${format} is not supported (NHWC only)`)
}

export const NHWC_TO_NCHW = [0, 3, 1, 2]
export const NCHW_TO_NHWC = [0, 2, 3, 1]

/** Conv2D in NHWC: transpose to NCHW, ONNX Conv with HWIO → OIHW weights, transpose back. */
export const conv2d: EmitOp = (node, [x, w], b) => {
  nhwcOnly(node)
  const filter = constOf(node, w, 'filter')
  const [kh, kw, cinPerGroup, cout] = filter.shape as [number, number, number, number]
  const [n, h, wd, c] = shapeOf(x!) as [number, number, number, number]
  const strides = attrInts(node, 'strides').slice(1, 3)
  const dilations = (attrInts(node, 'dilations').length ? attrInts(node, 'dilations') : [1, 1, 1, 1]).slice(1, 3)
  const pads = spatialPads(node, h, wd, kh, kw, strides, dilations)
  // 216 of MAXIM's 325 convs are 1×1: in NHWC that is a MatMul over channels, no layout change
  if (kh === 1 && kw === 1 && cinPerGroup === c && strides.every((s) => s === 1) && pads.every((p) => p === 0)) {
    const matrix = b.reshape({ kind: 'const', tensor: filter }, [c, cout])
    return b.emit('MatMul', [b.ref(x!), b.ref(matrix)], { dtype: 'float32', shape: [n, h, wd, cout] }, [], 'Conv1x1')
  }
  const weight = b.transpose({ kind: 'const', tensor: filter }, [3, 2, 0, 1])
  const oh = Math.floor((h + pads[0]! + pads[2]! - (kh - 1) * dilations[0]! - 1) / strides[0]!) + 1
  const ow = Math.floor((wd + pads[1]! + pads[3]! - (kw - 1) * dilations[1]! - 1) / strides[1]!) + 1
  const y = b.emit('Conv', [b.ref(b.transpose(x!, NHWC_TO_NCHW)), b.ref(weight)], { dtype: 'float32', shape: [n, cout, oh, ow] }, [
    { name: 'kernel_shape', type: 'ints', value: [kh, kw] },
    { name: 'strides', type: 'ints', value: strides },
    { name: 'dilations', type: 'ints', value: dilations },
    { name: 'pads', type: 'ints', value: pads },
    { name: 'group', type: 'int', value: c / cinPerGroup },
  ])
  return b.transpose(y, NCHW_TO_NHWC)
}

/** Conv2DBackpropInput (transposed conv) in NHWC → ONNX ConvTranspose with the same pads TF derives. */
export const conv2dTranspose: EmitOp = (node, [sizes, w, x], b) => {
  nhwcOnly(node)
  const outSize = toNumbers(constOf(node, sizes, 'input_sizes'))
  const filter = constOf(node, w, 'filter')
  const [kh, kw, cout] = filter.shape as [number, number, number, number]
  const [n, h, wd] = shapeOf(x!) as [number, number, number, number]
  const strides = attrInts(node, 'strides').slice(1, 3)
  const dilations = (attrInts(node, 'dilations').length ? attrInts(node, 'dilations') : [1, 1, 1, 1]).slice(1, 3)
  const [oh, ow] = [outSize[1]!, outSize[2]!]
  const pads = spatialPads(node, oh, ow, kh, kw, strides, dilations)
  const natural = (i: number, inSize: number, k: number) =>
    strides[i]! * (inSize - 1) + (k - 1) * dilations[i]! + 1 - pads[i]! - pads[i + 2]!
  const outputPadding = [oh - natural(0, h, kh), ow - natural(1, wd, kw)]
  if (outputPadding.some((p, i) => p < 0 || p >= strides[i]!))
    throw new Error(`${node.op} node "${node.name}": output size [${oh}, ${ow}] is not reachable from input [${h}, ${wd}]`)
  const weight = b.transpose({ kind: 'const', tensor: filter }, [3, 2, 0, 1])
  const y = b.emit('ConvTranspose', [b.ref(b.transpose(x!, NHWC_TO_NCHW)), b.ref(weight)], { dtype: 'float32', shape: [n, cout, oh, ow] }, [
    { name: 'kernel_shape', type: 'ints', value: [kh, kw] },
    { name: 'strides', type: 'ints', value: strides },
    { name: 'dilations', type: 'ints', value: dilations },
    { name: 'pads', type: 'ints', value: pads },
    { name: 'output_padding', type: 'ints', value: outputPadding },
  ])
  return b.transpose(y, NCHW_TO_NHWC)
}
