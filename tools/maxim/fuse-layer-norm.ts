/**
 * Flax's LayerNorm as jax2tf writes it (≈16 TF nodes: Sum/Square/Sub/Maximum/Rsqrt …, with
 * var = E[x²] − E[x]²) becomes one ONNX LayerNormalization. MAXIM-3S has 372 of them; fused,
 * each reads its input once instead of ~6 times. The rewrite only touches subgraphs whose
 * intermediates have no reader outside the pattern; the conversion checks the constants
 * (reduction over the last axis, 1/C scale, per-channel scale and bias) once shapes are known.
 */
import type { TfGraph, TfNode } from './tfjs-graph.ts'

export const FUSED_LAYER_NORM = '_FusedLayerNorm'

type Match = { x: string; scale: string; bias: string; eps: string; axes: string; count: string; countIsDivisor: boolean; inner: string[] }

export function fuseLayerNorms(graph: TfGraph): { graph: TfGraph; fused: number } {
  const byName = new Map(graph.nodes.map((n) => [n.name, n]))
  const readers = new Map<string, number>()
  for (const n of graph.nodes) for (const [i] of n.inputs) readers.set(i, (readers.get(i) ?? 0) + 1)
  const get = (name: string | undefined, op: string | string[]): TfNode | undefined => {
    const n = name === undefined ? undefined : byName.get(name)
    return n && (Array.isArray(op) ? op.includes(n.op) : n.op === op) ? n : undefined
  }
  const isConst = (name: string) => byName.get(name)?.op === 'Const'
  const ins = (n: TfNode) => n.inputs.map(([i]) => i)
  /** the two inputs of a commutative op with the one satisfying `first` in front */
  const ordered = (n: TfNode, first: (name: string) => boolean): [string, string] | undefined => {
    const [a, b] = ins(n)
    if (a === undefined || b === undefined) return undefined
    return first(a) ? [a, b] : first(b) ? [b, a] : undefined
  }
  /** mean = Sum(v, axes) · k or Sum(v, axes) / n, optionally Reshape'd back to keep dims */
  const meanOf = (name: string) => {
    const reshaped = get(name, 'Reshape')
    const scaled = get(reshaped ? ins(reshaped)[0] : name, ['Mul', 'RealDiv'])
    if (!scaled) return undefined
    const pair = scaled.op === 'Mul' ? ordered(scaled, (i) => !isConst(i)) : (ins(scaled) as [string, string])
    const sum = get(pair?.[0], 'Sum')
    if (!pair || !sum || !isConst(pair[1]) || !isConst(ins(sum)[1] ?? '')) return undefined
    return { reshaped, scaled, sum, count: pair[1], axes: ins(sum)[1]!, isDivisor: scaled.op === 'RealDiv', input: ins(sum)[0]! }
  }

  const match = (out: TfNode): Match | undefined => {
    const top = ordered(out, (i) => !isConst(i))
    const y = get(top?.[0], 'Mul')
    if (!top || !y || !isConst(top[1])) return undefined
    const yPair = ordered(y, (i) => byName.get(i)?.op === 'Sub')
    const centred = get(yPair?.[0], 'Sub')
    const gain = get(yPair?.[1], 'Mul')
    if (!centred || !gain) return undefined
    const gPair = ordered(gain, (i) => byName.get(i)?.op === 'Rsqrt')
    const rsqrt = get(gPair?.[0], 'Rsqrt')
    if (!gPair || !rsqrt || !isConst(gPair[1])) return undefined
    const plusEps = get(ins(rsqrt)[0], 'AddV2')
    const ePair = plusEps && ordered(plusEps, (i) => !isConst(i))
    if (!ePair || !isConst(ePair[1])) return undefined
    const varReshape = get(ePair[0], 'Reshape')
    const clamp = get(varReshape ? ins(varReshape)[0] : ePair[0], 'Maximum')
    const cPair = clamp && ordered(clamp, (i) => !isConst(i))
    const diff = get(cPair?.[0], 'Sub')
    if (!cPair || !diff) return undefined
    const [m2Name, meanSqName] = ins(diff) as [string, string]
    const meanSq = get(meanSqName, 'Square')
    const m2 = meanOf(m2Name)
    const x = ins(centred)[0]!
    const mean = meanOf(ins(centred)[1]!)
    const square = get(m2?.input, 'Square')
    if (!meanSq || !m2 || !mean || !square || ins(square)[0] !== x || mean.input !== x) return undefined
    // the mean feeding Square must be the same un-reshaped mean that is subtracted
    if (ins(meanSq)[0] !== mean.scaled.name || (m2.count !== mean.count && !sameConst(graph, m2.count, mean.count))) return undefined
    const inner = [y, centred, gain, rsqrt, plusEps, varReshape, clamp, diff, meanSq, square, m2.reshaped, m2.scaled, m2.sum, mean.reshaped, mean.scaled, mean.sum]
      .filter((n): n is TfNode => n !== undefined)
      .map((n) => n.name)
    return { x, scale: gPair[1], bias: top[1], eps: ePair[1], axes: mean.axes, count: mean.count, countIsDivisor: mean.isDivisor, inner }
  }

  const replaced = new Map<string, TfNode>()
  for (const node of graph.nodes) {
    if (node.op !== 'AddV2') continue
    const m = match(node)
    if (!m) continue
    // every intermediate is read only inside the pattern (the count of internal edges)
    const internal = new Set(m.inner)
    const internalReads = new Map<string, number>()
    for (const name of [...m.inner, node.name])
      for (const [i] of byName.get(name)!.inputs) if (internal.has(i)) internalReads.set(i, (internalReads.get(i) ?? 0) + 1)
    if (m.inner.some((name) => readers.get(name) !== internalReads.get(name))) continue
    replaced.set(node.name, {
      name: node.name,
      op: FUSED_LAYER_NORM,
      inputs: [m.x, m.scale, m.bias, m.eps, m.axes, m.count].map((i) => [i, 0] as [string, number]),
      attr: { count_is_divisor: { b: m.countIsDivisor } },
    })
  }
  return { graph: { ...graph, nodes: graph.nodes.map((n) => replaced.get(n.name) ?? n) }, fused: replaced.size }
}

function sameConst(graph: TfGraph, a: string, b: string): boolean {
  const ta = graph.weights.get(a)
  const tb = graph.weights.get(b)
  return !!ta && !!tb && ta.data.length === tb.data.length && ta.data.every((v, i) => v === tb.data[i])
}
