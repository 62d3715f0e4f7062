/**
 * A minimal ONNX protobuf writer: just the messages and fields a converted inference graph needs
 * (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto), so the
 * converter adds no runtime dependency. Field numbers follow onnx/onnx.proto (IR version 8).
 * Messages are built as lists of byte chunks and joined once, so ~90 MB of weights are not
 * copied once per nesting level.
 */

/** ONNX TensorProto.DataType values used here. */
export const DATA_TYPE = { float32: 1, int32: 6, int64: 7, bool: 9 } as const
export type OnnxDType = keyof typeof DATA_TYPE

type Chunks = { parts: Uint8Array[]; length: number }

function chunks(): Chunks {
  return { parts: [], length: 0 }
}
function push(c: Chunks, bytes: Uint8Array): void {
  c.parts.push(bytes)
  c.length += bytes.length
}

function varint(value: number | bigint): Uint8Array {
  // negative int64 values are encoded as 10-byte two's complement (protobuf int64 semantics)
  let v = BigInt.asUintN(64, BigInt(value))
  const out: number[] = []
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80)
    v >>= 7n
  }
  out.push(Number(v))
  return Uint8Array.from(out)
}

function key(field: number, wireType: 0 | 1 | 2 | 5): Uint8Array {
  return varint((field << 3) | wireType)
}

function fieldVarint(c: Chunks, field: number, value: number | bigint): void {
  push(c, key(field, 0))
  push(c, varint(value))
}

function fieldBytes(c: Chunks, field: number, payload: Chunks | Uint8Array): void {
  push(c, key(field, 2))
  if (payload instanceof Uint8Array) {
    push(c, varint(payload.length))
    push(c, payload)
  } else {
    push(c, varint(payload.length))
    for (const p of payload.parts) push(c, p)
  }
}

const utf8 = new TextEncoder()
function fieldString(c: Chunks, field: number, s: string): void {
  fieldBytes(c, field, utf8.encode(s))
}

function fieldFloat(c: Chunks, field: number, f: number): void {
  push(c, key(field, 5))
  const b = new Uint8Array(4)
  new DataView(b.buffer).setFloat32(0, f, true)
  push(c, b)
}

function packedVarints(values: readonly (number | bigint)[]): Chunks {
  const c = chunks()
  for (const v of values) push(c, varint(v))
  return c
}

export interface OnnxTensor {
  name: string
  dtype: OnnxDType
  dims: readonly number[]
  /** little-endian raw bytes of the values, row-major */
  raw: Uint8Array
}

export type OnnxAttribute =
  | { name: string; type: 'int'; value: number }
  | { name: string; type: 'float'; value: number }
  | { name: string; type: 'string'; value: string }
  | { name: string; type: 'ints'; value: readonly number[] }
  | { name: string; type: 'floats'; value: readonly number[] }

export interface OnnxNode {
  opType: string
  inputs: readonly string[]
  outputs: readonly string[]
  name?: string
  attributes?: readonly OnnxAttribute[]
}

export interface OnnxValueInfo {
  name: string
  dtype: OnnxDType
  /** numbers are fixed sizes, strings symbolic dimensions */
  shape: readonly (number | string)[]
}

export interface OnnxGraph {
  name: string
  nodes: readonly OnnxNode[]
  initializers: readonly OnnxTensor[]
  inputs: readonly OnnxValueInfo[]
  outputs: readonly OnnxValueInfo[]
}

export interface OnnxModelOptions {
  opset: number
  producerName: string
  producerVersion?: string
  docString?: string
}

function encodeTensor(t: OnnxTensor): Chunks {
  const c = chunks()
  if (t.dims.length > 0) fieldBytes(c, 1, packedVarints(t.dims)) // dims
  fieldVarint(c, 2, DATA_TYPE[t.dtype]) // data_type
  fieldString(c, 8, t.name) // name
  fieldBytes(c, 9, t.raw) // raw_data
  return c
}

const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, floats: 6, ints: 7 } as const

function encodeAttribute(a: OnnxAttribute): Chunks {
  const c = chunks()
  fieldString(c, 1, a.name)
  switch (a.type) {
    case 'float':
      fieldFloat(c, 2, a.value)
      break
    case 'int':
      fieldVarint(c, 3, a.value)
      break
    case 'string':
      fieldString(c, 4, a.value)
      break
    case 'floats':
      for (const f of a.value) fieldFloat(c, 7, f)
      break
    case 'ints':
      if (a.value.length > 0) fieldBytes(c, 8, packedVarints(a.value))
      break
  }
  fieldVarint(c, 20, ATTRIBUTE_TYPE[a.type])
  return c
}

function encodeNode(n: OnnxNode): Chunks {
  const c = chunks()
  for (const i of n.inputs) fieldString(c, 1, i)
  for (const o of n.outputs) fieldString(c, 2, o)
  if (n.name) fieldString(c, 3, n.name)
  fieldString(c, 4, n.opType)
  for (const a of n.attributes ?? []) fieldBytes(c, 5, encodeAttribute(a))
  return c
}

function encodeValueInfo(v: OnnxValueInfo): Chunks {
  const shape = chunks()
  for (const d of v.shape) {
    const dim = chunks()
    if (typeof d === 'number') fieldVarint(dim, 1, d)
    else fieldString(dim, 2, d)
    fieldBytes(shape, 1, dim)
  }
  const tensorType = chunks()
  fieldVarint(tensorType, 1, DATA_TYPE[v.dtype])
  fieldBytes(tensorType, 2, shape)
  const type = chunks()
  fieldBytes(type, 1, tensorType)
  const c = chunks()
  fieldString(c, 1, v.name)
  fieldBytes(c, 2, type)
  return c
}

function encodeGraph(g: OnnxGraph): Chunks {
  const c = chunks()
  for (const n of g.nodes) fieldBytes(c, 1, encodeNode(n))
  fieldString(c, 2, g.name)
  for (const t of g.initializers) fieldBytes(c, 5, encodeTensor(t))
  for (const i of g.inputs) fieldBytes(c, 11, encodeValueInfo(i))
  for (const o of g.outputs) fieldBytes(c, 12, encodeValueInfo(o))
  return c
}

/** Serialises a model to ONNX protobuf bytes (IR version 8, default domain at `opset`). */
export function encodeModel(graph: OnnxGraph, options: OnnxModelOptions): Uint8Array {
  const c = chunks()
  fieldVarint(c, 1, 8) // ir_version
  fieldString(c, 2, options.producerName)
  if (options.producerVersion) fieldString(c, 3, options.producerVersion)
  if (options.docString) fieldString(c, 6, options.docString)
  fieldBytes(c, 7, encodeGraph(graph))
  const opset = chunks()
  fieldString(opset, 1, '')
  fieldVarint(opset, 2, options.opset)
  fieldBytes(c, 8, opset)
  const out = new Uint8Array(c.length)
  let offset = 0
  for (const p of c.parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

/** Little-endian bytes of a typed array (copy, so later edits of the array do not leak in). */
export function rawBytes(values: Float32Array | Int32Array | BigInt64Array | Uint8Array): Uint8Array {
  return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength))
}
