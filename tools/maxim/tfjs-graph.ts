/**
 * Reads a TF.js graph model (model.json + binary weight shards) into plain nodes and host
 * tensors. Every failure names the file and what is wrong.
 */
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { type DType, type Tensor, allocate, sizeOf } from './tensor.ts'

export interface TfAttr {
  s?: string
  i?: string | number
  f?: number
  b?: boolean
  type?: string
  list?: { i?: (string | number)[]; s?: string[]; f?: number[] }
  shape?: unknown
  tensor?: unknown
}

export interface TfNode {
  name: string
  op: string
  /** data inputs as [node name, output index]; control inputs (^name) dropped */
  inputs: [string, number][]
  attr: Record<string, TfAttr>
}

export interface TfGraph {
  file: string
  nodes: TfNode[]
  weights: Map<string, Tensor>
  inputName: string
  outputName: string
  convertedBy: string
}

interface WeightSpec {
  name: string
  shape: number[]
  dtype: string
  quantization?: unknown
}

interface ModelJson {
  format?: string
  convertedBy?: string
  signature?: { inputs?: Record<string, { name: string }>; outputs?: Record<string, { name: string }> }
  modelTopology?: { node?: { name: string; op: string; input?: string[]; attr?: Record<string, TfAttr> }[] }
  weightsManifest?: { paths: string[]; weights: WeightSpec[] }[]
}

const WEIGHT_DTYPES: Record<string, DType> = { float32: 'float32', int32: 'int32', bool: 'bool' }

export function attrString(node: TfNode, key: string): string {
  const s = node.attr[key]?.s
  if (s === undefined) throw new Error(`${node.op} node "${node.name}" has no string attribute "${key}"`)
  return Buffer.from(s, 'base64').toString('utf8')
}

export function attrInt(node: TfNode, key: string, fallback?: number): number {
  const v = node.attr[key]?.i
  if (v === undefined) {
    if (fallback !== undefined) return fallback
    throw new Error(`${node.op} node "${node.name}" has no int attribute "${key}"`)
  }
  return Number(v)
}

export function attrInts(node: TfNode, key: string): number[] {
  return (node.attr[key]?.list?.i ?? []).map(Number)
}

export function attrBool(node: TfNode, key: string): boolean {
  return node.attr[key]?.b === true
}

export function attrType(node: TfNode, key: string): DType {
  const t = node.attr[key]?.type
  if (t === 'DT_FLOAT') return 'float32'
  if (t === 'DT_INT32') return 'int32'
  if (t === 'DT_BOOL') return 'bool'
  throw new Error(`${node.op} node "${node.name}": unsupported type ${t ?? '(missing)'} in attribute "${key}"`)
}

function parseInput(ref: string): [string, number] {
  const colon = ref.lastIndexOf(':')
  if (colon < 0) return [ref, 0]
  return [ref.slice(0, colon), Number(ref.slice(colon + 1))]
}

/** Loads model.json and its shards; weights are decoded into host tensors keyed by Const node name. */
export async function readTfjsGraph(modelJsonPath: string): Promise<TfGraph> {
  let json: ModelJson
  try {
    json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as ModelJson
  } catch (e) {
    throw new Error(`${modelJsonPath}: cannot read the TF.js model (${(e as Error).message})`)
  }
  if (json.format !== 'graph-model' || !json.modelTopology?.node || !json.weightsManifest)
    throw new Error(`${modelJsonPath}: not a TF.js graph model (format "${json.format ?? '?'}", needs modelTopology.node and weightsManifest)`)
  const inputs = Object.values(json.signature?.inputs ?? {})
  const outputs = Object.values(json.signature?.outputs ?? {})
  if (inputs.length !== 1 || outputs.length !== 1)
    throw new Error(`${modelJsonPath}: expected exactly one input and one output in the signature, got ${inputs.length} and ${outputs.length}`)

  const weights = new Map<string, Tensor>()
  const dir = dirname(modelJsonPath)
  for (const group of json.weightsManifest) {
    const shards = await Promise.all(
      group.paths.map(async (p) => {
        const file = join(dir, p)
        try {
          return await readFile(file)
        } catch {
          throw new Error(`${modelJsonPath}: weight shard ${file} is missing or unreadable`)
        }
      }),
    )
    const buffer = Buffer.concat(shards)
    let offset = 0
    for (const spec of group.weights) {
      const dtype = WEIGHT_DTYPES[spec.dtype]
      if (!dtype || spec.quantization)
        throw new Error(`${modelJsonPath}: weight "${spec.name}" has unsupported dtype ${spec.dtype}${spec.quantization ? ' (quantized)' : ''}`)
      const count = sizeOf(spec.shape)
      const bytes = count * (dtype === 'bool' ? 1 : 4)
      if (offset + bytes > buffer.length)
        throw new Error(`${modelJsonPath}: weight shards end before weight "${spec.name}" (truncated download?)`)
      const data = allocate(dtype, count)
      new Uint8Array(data.buffer).set(buffer.subarray(offset, offset + bytes))
      weights.set(spec.name, { dtype, shape: spec.shape, data })
      offset += bytes
    }
    if (offset !== buffer.length)
      throw new Error(`${modelJsonPath}: weight shards hold ${buffer.length} bytes, the manifest describes ${offset}`)
  }

  const nodes: TfNode[] = json.modelTopology.node.map((n) => ({
    name: n.name,
    op: n.op,
    inputs: (n.input ?? []).filter((i) => !i.startsWith('^')).map(parseInput),
    attr: n.attr ?? {},
  }))
  return {
    file: modelJsonPath,
    nodes,
    weights,
    inputName: parseInput(inputs[0]!.name)[0],
    outputName: parseInput(outputs[0]!.name)[0],
    convertedBy: json.convertedBy ?? 'unknown',
  }
}

/** Nodes in dependency order, restricted to those the output needs. */
export function topologicalOrder(graph: TfGraph): TfNode[] {
  const byName = new Map(graph.nodes.map((n) => [n.name, n]))
  const order: TfNode[] = []
  const state = new Map<string, 1 | 2>()
  const stack: [TfNode, number][] = []
  const start = byName.get(graph.outputName)
  if (!start) throw new Error(`${graph.file}: output node "${graph.outputName}" not found`)
  stack.push([start, 0])
  state.set(start.name, 1)
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!
    const [node, next] = top
    if (next < node.inputs.length) {
      top[1]++
      const inName = node.inputs[next]![0]
      const input = byName.get(inName)
      if (!input) throw new Error(`${graph.file}: node "${node.name}" reads "${inName}", which does not exist`)
      if (state.get(inName) === 1) throw new Error(`${graph.file}: the graph has a cycle through "${inName}"`)
      if (!state.has(inName)) {
        state.set(inName, 1)
        stack.push([input, 0])
      }
    } else {
      stack.pop()
      state.set(node.name, 2)
      order.push(node)
    }
  }
  return order
}
