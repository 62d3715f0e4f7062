/**
 * Builds the ONNX graph while the converter walks the TF graph. A value is either a host
 * constant (folded) or a symbolic tensor with a static shape; helpers fold when they can and
 * emit a node only for the data path.
 */
import { createHash } from 'node:crypto'
import type { OnnxAttribute, OnnxNode, OnnxTensor } from './onnx-proto.ts'
import type { TfNode } from './tfjs-graph.ts'
import { type DType, type Tensor, reshape as reshapeConst, resolveReshape, transpose as transposeConst } from './tensor.ts'

export type Value =
  | { kind: 'const'; tensor: Tensor }
  | { kind: 'sym'; name: string; dtype: DType; shape: number[] }

export function constant(tensor: Tensor): Value {
  return { kind: 'const', tensor }
}

export function shapeOf(v: Value): number[] {
  return v.kind === 'const' ? v.tensor.shape : v.shape
}

/** a shape-like operand (perm, axes, sizes, filter…) must have folded to a constant */
export function constOf(node: TfNode, v: Value | undefined, what: string): Tensor {
  if (!v || v.kind !== 'const')
    throw new Error(`${node.op} node "${node.name}": its ${what} depends on the image; only constant ${what}s can be converted`)
  return v.tensor
}

export function dtypeOf(v: Value): DType {
  return v.kind === 'const' ? v.tensor.dtype : v.dtype
}

function rawOf(t: Tensor): Uint8Array {
  return new Uint8Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength))
}

export class OnnxBuilder {
  readonly nodes: OnnxNode[] = []
  readonly initializers: OnnxTensor[] = []
  #counter = 0
  /** name of the TF node being converted: emitted ONNX nodes carry it, for profiles and errors */
  scope = ''
  #constNames = new Map<Tensor, string>()
  #constByContent = new Map<string, string>()

  fresh(hint: string): string {
    return `${hint}_${this.#counter++}`
  }

  /** the tensor name of a value; constants become initializers (shared when reused) */
  ref(v: Value): string {
    if (v.kind === 'sym') return v.name
    const known = this.#constNames.get(v.tensor)
    if (known) return known
    const raw = rawOf(v.tensor)
    // folding re-creates equal constants (a weight reshaped for each conv that reads it): store once
    const key = `${v.tensor.dtype}[${v.tensor.shape}]${createHash('sha1').update(raw).digest('hex')}`
    const same = this.#constByContent.get(key)
    if (same) {
      this.#constNames.set(v.tensor, same)
      return same
    }
    const name = this.fresh('const')
    this.initializers.push({ name, dtype: v.tensor.dtype, dims: v.tensor.shape, raw })
    this.#constNames.set(v.tensor, name)
    this.#constByContent.set(key, name)
    return name
  }

  /** an int64 initializer (ONNX shape/axes/index inputs are int64, TF's are int32) */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const name = this.fresh('i64')
    const data = BigInt64Array.from(values.map((v) => BigInt(v)))
    this.initializers.push({ name, dtype: 'int64', dims, raw: new Uint8Array(data.buffer) })
    return name
  }

  emit(
    opType: string,
    inputs: readonly string[],
    out: { dtype: DType; shape: number[] },
    attributes: OnnxAttribute[] = [],
    hint = opType,
  ): Value {
    const name = this.fresh(hint)
    this.nodes.push({ opType, inputs, outputs: [name], attributes, name: `${this.scope}:${name}` })
    return { kind: 'sym', name, dtype: out.dtype, shape: out.shape }
  }

  reshape(v: Value, shape: readonly number[]): Value {
    const target = resolveReshape(shapeOf(v), shape)
    if (v.kind === 'const') return constant(reshapeConst(v.tensor, target))
    if (target.length === v.shape.length && target.every((d, i) => d === v.shape[i])) return v
    return this.emit('Reshape', [v.name, this.int64(target)], { dtype: v.dtype, shape: target })
  }

  transpose(v: Value, perm: readonly number[]): Value {
    if (perm.every((p, i) => p === i)) return v
    if (v.kind === 'const') return constant(transposeConst(v.tensor, perm))
    const shape = perm.map((p) => v.shape[p]!)
    return this.emit('Transpose', [v.name], { dtype: v.dtype, shape }, [{ name: 'perm', type: 'ints', value: perm }])
  }
}
