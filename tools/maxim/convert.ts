/**
 * TF.js graph model → ONNX (opset 17) for one fixed input size. Walks the TF graph in
 * dependency order: constants and everything computable from them and the input's (fixed)
 * shape are folded on the host; the rest becomes ONNX nodes. At the boundary the graph takes
 * the engine's contract: `image` NCHW [1, 3, H, W] in [0, 1] → `restored` NCHW, clamped to
 * [0, 1] (MAXIM's last stage adds a residual to the input and can overshoot slightly).
 */
import { EMIT_OPS } from './emit-ops.ts'
import { FOLD_OPS } from './fold-ops.ts'
import { fuseLayerNorms } from './fuse-layer-norm.ts'
import { OnnxBuilder, type Value, constant, shapeOf } from './onnx-builder.ts'
import { type OnnxGraph, encodeModel } from './onnx-proto.ts'
import { type TfGraph, type TfNode, topologicalOrder } from './tfjs-graph.ts'
import { type Tensor, tensor } from './tensor.ts'

export const INPUT_NAME = 'image'
export const OUTPUT_NAME = 'restored'

export interface ConvertOptions {
  height: number
  width: number
  /** input edges must be multiples of this (MAXIM: 64, its three ×2 scales and 8×8 blocks) */
  multiple?: number
  /** clamp the output to [0, 1] (default true) */
  clamp?: boolean
  /** fuse jax2tf LayerNorm subgraphs into ONNX LayerNormalization (default true) */
  fuseLayerNorm?: boolean
}

export interface ConvertStats {
  tfNodes: number
  foldedNodes: number
  fusedLayerNorms: number
  onnxNodes: number
  parameters: number
  onnxOps: Record<string, number>
}

export interface ConvertResult {
  bytes: Uint8Array
  graph: OnnxGraph
  stats: ConvertStats
}

const STRUCTURAL = new Set(['Const', 'Placeholder', 'Shape'])

/** Every op type the graph uses that neither folding nor emission knows, refused by name. */
export function unsupportedOps(nodes: readonly TfNode[]): string[] {
  const counts = new Map<string, number>()
  for (const n of nodes)
    if (!STRUCTURAL.has(n.op) && !(n.op in EMIT_OPS) && !(n.op in FOLD_OPS)) counts.set(n.op, (counts.get(n.op) ?? 0) + 1)
  return [...counts].map(([op, c]) => `${op} (${c} node${c === 1 ? '' : 's'})`)
}

export function convertTfjsGraph(source: TfGraph, options: ConvertOptions): ConvertResult {
  const { height, width, multiple = 64, clamp = true, fuseLayerNorm = true } = options
  const { graph, fused } = fuseLayerNorm ? fuseLayerNorms(source) : { graph: source, fused: 0 }
  for (const [label, v] of [['height', height], ['width', width]] as const)
    if (!Number.isInteger(v) || v <= 0 || v % multiple !== 0)
      throw new Error(`${graph.file}: the converted tile ${label} must be a positive multiple of ${multiple}, got ${v}`)
  const order = topologicalOrder(graph)
  const unknown = unsupportedOps(order)
  if (unknown.length > 0) throw new Error(`${graph.file}: cannot convert unsupported TF op types: ${unknown.join(', ')}`)

  const b = new OnnxBuilder()
  const values = new Map<string, Value>()
  const uses = new Map<string, number>()
  for (const n of order) for (const [name] of n.inputs) uses.set(name, (uses.get(name) ?? 0) + 1)
  let folded = 0

  for (const node of order) {
    const inputs = node.inputs.map(([name, index]) => {
      const v = values.get(name)
      if (!v || index !== 0) throw new Error(`${graph.file}: node "${node.name}" reads output ${index} of "${name}", which is not available`)
      return v
    })
    let value: Value
    b.scope = node.name
    try {
      value = evaluate(graph, node, inputs, b, height, width)
    } catch (e) {
      throw new Error(`${graph.file}: ${node.op} node "${node.name}": ${(e as Error).message}`)
    }
    if (value.kind === 'const' && node.op !== 'Const') folded++
    values.set(node.name, value)
    // drop intermediates once their last reader ran: folded broadcasts can be large
    for (const [name] of node.inputs) {
      const left = (uses.get(name) ?? 1) - 1
      uses.set(name, left)
      if (left === 0) values.delete(name)
    }
  }

  let out = values.get(graph.outputName)
  if (!out || out.kind !== 'sym') throw new Error(`${graph.file}: the output "${graph.outputName}" does not depend on the input image`)
  const outShape = shapeOf(out)
  if (outShape.join() !== [1, height, width, 3].join())
    throw new Error(`${graph.file}: the output has shape [${outShape}], expected [1, ${height}, ${width}, 3]`)
  if (clamp)
    out = b.emit('Clip', [b.ref(out), b.ref(constant(tensor('float32', [], [0]))), b.ref(constant(tensor('float32', [], [1])))], {
      dtype: 'float32',
      shape: outShape,
    })
  b.nodes.push({ opType: 'Transpose', inputs: [b.ref(out)], outputs: [OUTPUT_NAME], attributes: [{ name: 'perm', type: 'ints', value: [0, 3, 1, 2] }] })

  const onnx: OnnxGraph = {
    name: 'converted',
    nodes: b.nodes,
    initializers: b.initializers,
    inputs: [{ name: INPUT_NAME, dtype: 'float32', shape: [1, 3, height, width] }],
    outputs: [{ name: OUTPUT_NAME, dtype: 'float32', shape: [1, 3, height, width] }],
  }
  const onnxOps: Record<string, number> = {}
  for (const n of b.nodes) onnxOps[n.opType] = (onnxOps[n.opType] ?? 0) + 1
  const parameters = b.initializers.reduce((s, t) => s + (t.dtype === 'float32' ? t.raw.length / 4 : 0), 0)
  const bytes = encodeModel(onnx, {
    opset: 17,
    producerName: 'fidediff-studio tools/maxim',
    docString: `converted from ${graph.convertedBy} graph for a fixed ${height}x${width} input`,
  })
  return { bytes, graph: onnx, stats: { tfNodes: order.length, foldedNodes: folded, fusedLayerNorms: fused, onnxNodes: b.nodes.length, parameters, onnxOps } }
}

function evaluate(graph: TfGraph, node: TfNode, inputs: Value[], b: OnnxBuilder, height: number, width: number): Value {
  if (node.op === 'Const') {
    const t = graph.weights.get(node.name)
    if (!t) throw new Error('no weight with this name in the weight manifest')
    return constant(t)
  }
  if (node.op === 'Placeholder') {
    if (node.name !== graph.inputName) throw new Error('a second graph input is not supported')
    const dims = (node.attr['shape']?.shape as { dim?: { size?: string }[] } | undefined)?.dim ?? []
    const channels = Number(dims[3]?.size ?? -1)
    if (dims.length > 0 && (dims.length !== 4 || (channels !== 3 && channels !== -1)))
      throw new Error(`expected an NHWC RGB input [N, H, W, 3], the graph declares [${dims.map((d) => d.size).join(', ')}]`)
    const image: Value = { kind: 'sym', name: INPUT_NAME, dtype: 'float32', shape: [1, 3, height, width] }
    return b.transpose(image, [0, 2, 3, 1]) // the TF graph is NHWC
  }
  if (node.op === 'Shape') {
    const shape = shapeOf(inputs[0]!)
    return constant(tensor('int32', [shape.length], shape))
  }
  const fold = FOLD_OPS[node.op]
  if (fold && inputs.every((v) => v.kind === 'const')) return constant(fold(node, inputs.map((v) => (v as { kind: 'const'; tensor: Tensor }).tensor)))
  const emit = EMIT_OPS[node.op]
  if (!emit) throw new Error('this op can only be folded, but an input depends on the image')
  return emit(node, inputs, b)
}
