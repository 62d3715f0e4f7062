/**
 * The converter op by op: a small TF.js graph model written to a temp folder with the op types
 * MAXIM uses (Conv2D SAME/strided/1×1, Conv2DBackpropInput, three Einsum forms, StridedSlice with
 * masks on data and on folded shapes, Pack, GatherV2, SelectV2, BroadcastTo, a flax LayerNorm,
 * the package's custom ScaleAndTranslate …),
 * run by TF.js (CPU backend, its own Einsum kernel) and by ONNX Runtime on the converted graph.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { convertTfjsGraph } from '../../tools/maxim/convert.ts'
import { maximPackageDefinition } from '../../tools/maxim/maxim-package.ts'
import { readTfjsGraph } from '../../tools/maxim/tfjs-graph.ts'
import { loadTfjsGraphModel } from '../../tools/maxim/tfjs-reference.ts'

type Attr = Record<string, unknown>
const b64 = (s: string) => Buffer.from(s).toString('base64')
const ints = (...v: number[]) => ({ list: { i: v.map(String) } })
const str = (s: string) => ({ s: b64(s) })
const int = (v: number) => ({ i: String(v) })
const FLOAT = { type: 'DT_FLOAT' }
const INT = { type: 'DT_INT32' }

/** Builds model.json + one weight shard; weights are seeded pseudo-random values. */
class GraphWriter {
  nodes: { name: string; op: string; input: string[]; attr: Attr }[] = []
  weights: { name: string; shape: number[]; dtype: 'float32' | 'int32' }[] = []
  chunks: Buffer[] = []
  #seed = 12345

  #random(): number {
    this.#seed = (this.#seed * 1103515245 + 12345) % 2 ** 31
    return this.#seed / 2 ** 31 - 0.5
  }
  node(name: string, op: string, input: string[], attr: Attr = {}): string {
    this.nodes.push({ name, op, input, attr })
    return name
  }
  float(name: string, shape: number[], values?: number[]): string {
    const n = shape.reduce((a, b) => a * b, 1)
    const data = Float32Array.from(values ?? Array.from({ length: n }, () => this.#random()))
    this.weights.push({ name, shape, dtype: 'float32' })
    this.chunks.push(Buffer.from(data.buffer))
    return this.node(name, 'Const', [], { dtype: FLOAT })
  }
  int(name: string, values: number[], shape = [values.length]): string {
    this.weights.push({ name, shape, dtype: 'int32' })
    this.chunks.push(Buffer.from(Int32Array.from(values).buffer))
    return this.node(name, 'Const', [], { dtype: INT })
  }
  write(dir: string, output: string): string {
    this.node('Identity', 'Identity', [output], { T: FLOAT })
    writeFileSync(join(dir, 'w.bin'), Buffer.concat(this.chunks))
    const model = {
      format: 'graph-model',
      generatedBy: 'test',
      convertedBy: 'maxim-ops.test.ts',
      signature: { inputs: { x: { name: 'x:0' } }, outputs: { y: { name: 'Identity:0' } } },
      modelTopology: { node: this.nodes, library: {}, versions: {} },
      weightsManifest: [{ paths: ['w.bin'], weights: this.weights }],
    }
    writeFileSync(join(dir, 'model.json'), JSON.stringify(model))
    return join(dir, 'model.json')
  }
}

function opsGraph(g: GraphWriter): string {
  const conv = (strides: number, padding: string) => ({ strides: ints(1, strides, strides, 1), padding: str(padding), data_format: str('NHWC'), dilations: ints(1, 1, 1, 1), T: FLOAT })
  const slice = (masks: Partial<Record<'begin_mask' | 'end_mask' | 'shrink_axis_mask' | 'new_axis_mask' | 'ellipsis_mask', number>>) => ({
    begin_mask: int(masks.begin_mask ?? 0), end_mask: int(masks.end_mask ?? 0), shrink_axis_mask: int(masks.shrink_axis_mask ?? 0),
    new_axis_mask: int(masks.new_axis_mask ?? 0), ellipsis_mask: int(masks.ellipsis_mask ?? 0), Index: INT, T: INT,
  })
  g.node('x', 'Placeholder', [], { dtype: FLOAT, shape: { shape: { dim: [{ size: '-1' }, { size: '-1' }, { size: '-1' }, { size: '3' }] } } })
  // int32 shape arithmetic that must fold: h = shape[1], w = shape[2], input_sizes = Pack(1, h, w, 3)
  const shape = g.node('shape', 'Shape', ['x'], { T: FLOAT, out_type: INT })
  const h = g.node('h', 'StridedSlice', [shape, g.int('b1', [1]), g.int('e1', [2]), g.int('s1', [1])], slice({ shrink_axis_mask: 1 }))
  const w = g.node('w', 'StridedSlice', [shape, g.int('b2', [2]), g.int('e2', [3]), g.int('s2', [1])], slice({ shrink_axis_mask: 1 }))
  const half = g.node('half', 'FloorDiv', [h, g.int('two', [2], [])], { T: INT })
  const sizes = g.node('sizes', 'Pack', [g.int('one', [1], []), h, w, g.int('three', [3], [])], { N: int(4), axis: int(0), T: INT })

  const c1 = g.node('c1', 'Conv2D', ['x', g.float('k1', [3, 3, 3, 4])], conv(1, 'SAME'))
  const b1 = g.node('b1add', 'AddV2', [c1, g.float('bias1', [4])], { T: FLOAT })
  const pointwise = g.node('pw', 'Conv2D', [b1, g.float('k1x1', [1, 1, 4, 4])], conv(1, 'SAME')) // lowered to MatMul
  const c2 = g.node('c2', 'Conv2D', [pointwise, g.float('k2', [3, 3, 4, 4])], conv(2, 'SAME'))
  const dense = g.node('dense', 'Einsum', [c2, g.float('d1', [4, 6])], { equation: str('abcg,gf->abcf'), N: int(2), T: FLOAT })
  const act = g.node('act', 'Tanh', [dense], { T: FLOAT })
  const up = g.node('up', 'Conv2DBackpropInput', [sizes, g.float('k3', [2, 2, 3, 6]), act], conv(2, 'VALID'))
  // flax LayerNorm as jax2tf writes it (fused into one LayerNormalization):
  // mean = Σx·(1/C), var = max(0, Σx²·(1/C) − mean²), (x − mean)·(rsqrt(var + eps)·scale) + bias
  const recip = g.float('recip', [], [1 / 3])
  const keep = g.int('keepshape', [1, 8, 8, 1])
  const sumOf = (name: string, v: string) => g.node(name, 'Sum', [v, g.int(`${name}_axes`, [3])], { keep_dims: { b: false }, T: FLOAT })
  const mean = g.node('mean', 'Mul', [sumOf('sum', up), recip], { T: FLOAT })
  const sq = g.node('msq', 'Mul', [sumOf('sumsq', g.node('sq', 'Square', [up], { T: FLOAT })), g.float('recip2', [], [1 / 3])], { T: FLOAT })
  const spread = g.node('vsub', 'Sub', [sq, g.node('m2', 'Square', [mean], { T: FLOAT })], { T: FLOAT })
  const variance = g.node('var', 'Maximum', [g.float('zero', [], [0]), spread], { T: FLOAT })
  const varKeep = g.node('varkeep', 'Reshape', [variance, keep], { T: FLOAT, Tshape: INT })
  const inv = g.node('inv', 'Rsqrt', [g.node('veps', 'AddV2', [varKeep, g.float('eps', [], [1e-6])], { T: FLOAT })], { T: FLOAT })
  const gain = g.node('gain', 'Mul', [inv, g.float('lnscale', [1, 1, 1, 3])], { T: FLOAT })
  const centred = g.node('center', 'Sub', [up, g.node('meankeep', 'Reshape', [mean, keep], { T: FLOAT, Tshape: INT })], { T: FLOAT })
  const norm = g.node('norm', 'AddV2', [g.node('scaled_ln', 'Mul', [centred, gain], { T: FLOAT }), g.float('lnbias', [1, 1, 1, 3])], { T: FLOAT })
  // mixing along W ('abgd,gf->abdf') and along H with the matrix first ('gb,cgef->bcef')
  const alongW = g.node('alongW', 'Einsum', [norm, g.float('mw', [8, 8])], { equation: str('abgd,gf->abdf'), N: int(2), T: FLOAT })
  const backW = g.node('backW', 'Transpose', [alongW, g.int('perm', [0, 1, 3, 2])], { T: FLOAT, Tperm: INT })
  const mixH = g.node('mixH', 'Einsum', [g.float('mh', [8, 8]), backW], { equation: str('gb,cgef->bcef'), N: int(2), T: FLOAT })
  const alongH = g.node('alongH', 'Transpose', [mixH, g.int('perm2', [1, 0, 2, 3])], { T: FLOAT, Tperm: INT })
  // roll by one row with data StridedSlices (begin/end masks) + ConcatV2, flip columns with GatherV2
  const tail = g.node('tail', 'StridedSlice', [alongH, g.int('tb', [0, 1]), g.int('te', [0, 0]), g.int('ts', [1, 1])], { ...slice({ begin_mask: 1, end_mask: 3 }), T: FLOAT })
  const head = g.node('head', 'StridedSlice', [alongH, g.int('hb', [0, 0]), g.int('he', [0, 1]), g.int('hs', [1, 1])], { ...slice({ begin_mask: 1, end_mask: 1 }), T: FLOAT })
  const rolled = g.node('rolled', 'ConcatV2', [tail, head, g.int('cax', [1], [])], { N: int(2), T: FLOAT, Tidx: INT })
  const flipped = g.node('flipped', 'GatherV2', [rolled, g.int('flip', [7, 6, 5, 4, 3, 2, 1, 0]), g.int('gax', [2], [])], { batch_dims: int(0), Tparams: FLOAT, Tindices: INT, Taxis: INT })
  // a strided data slice with a folded stride: every second row, then broadcast back over the rows
  const everyOther = g.node('every', 'StridedSlice', [flipped, g.int('vb', [0, 0]), g.int('ve', [0, 0]), g.node('vs', 'Pack', [g.int('one2', [1], []), half], { N: int(2), axis: int(0), T: INT })], { ...slice({ begin_mask: 3, end_mask: 3 }), T: FLOAT })
  const rowMean = g.node('rowmean', 'Sum', [everyOther, g.int('ax1', [1])], { keep_dims: { b: true }, T: FLOAT })
  const wide = g.node('wide', 'BroadcastTo', [rowMean, g.node('bshape', 'Pack', [g.int('one3', [1], []), h, w, g.int('three2', [3], [])], { N: int(4), axis: int(0), T: INT })], { T: FLOAT, Tidx: INT })
  const mixed = g.node('mixed', 'AddV2', [flipped, g.node('scaled', 'Mul', [wide, g.float('q', [], [0.1])], { T: FLOAT })], { T: FLOAT })
  const positive = g.node('pos', 'GreaterEqual', [mixed, g.float('zero2', [], [0])], { T: FLOAT })
  const gated = g.node('gated', 'SelectV2', [positive, mixed, g.node('damped', 'Mul', [mixed, g.float('k', [], [0.5])], { T: FLOAT })], { T: FLOAT })
  // the package's custom ScaleAndTranslate (nearest-neighbour resize): 8 → 4 → 8 rows/columns
  const resize = (name: string, v: string, n: number, scale: number) =>
    g.node(name, 'ScaleAndTranslate', [v, g.int(`${name}_size`, [n, n]), g.float(`${name}_scale`, [2], [scale, scale]), g.float(`${name}_shift`, [2], [0, 0])], {
      kernel_type: str('lanczos3'),
      antialias: { b: true },
      T: FLOAT,
    })
  const regrown = resize('regrow', resize('shrink', gated, 4, 0.5), 8, 2)
  const withResize = g.node('withresize', 'AddV2', [gated, g.node('halfres', 'Mul', [regrown, g.float('r', [], [0.5])], { T: FLOAT })], { T: FLOAT })
  const flat = g.node('flat', 'Reshape', [withResize, g.node('fshape', 'Pack', [g.int('one4', [1], []), g.node('hw', 'Mul', [h, w], { T: INT }), g.int('three3', [3], [])], { N: int(3), axis: int(0), T: INT })], { T: FLOAT, Tshape: INT })
  const back = g.node('back', 'Reshape', [flat, g.int('oshape', [1, 8, 8, 3])], { T: FLOAT, Tshape: INT })
  return g.node('out', 'AddV2', [g.node('sig', 'Exp', [g.node('negx', 'Neg', [g.node('absx', 'Abs', [back], { T: FLOAT })], { T: FLOAT })], { T: FLOAT }), 'x'], { T: FLOAT })
}

let dir = ''
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'maxim-ops-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the TF → ONNX converter computes what TF.js computes, op by op', () => {
  it.each([true, false])('a graph of MAXIM-style ops gives the same output in ONNX Runtime as in TF.js (layer norm fused: %s; max diff ≤ 1e-5)', async (fuseLayerNorm) => {
    const g = new GraphWriter()
    const out = opsGraph(g)
    const modelJson = g.write(dir, out)
    const graph = await readTfjsGraph(modelJson)
    const { bytes, stats } = convertTfjsGraph(graph, { height: 8, width: 8, multiple: 8, clamp: false, fuseLayerNorm })
    expect(stats.foldedNodes).toBeGreaterThan(5) // the Shape → StridedSlice → Pack chains
    expect(stats.fusedLayerNorms).toBe(fuseLayerNorm ? 1 : 0)
    const input = Float32Array.from({ length: 3 * 64 }, (_, i) => ((i * 37) % 101) / 101)
    const session = await ort.InferenceSession.create(bytes)
    const result = await session.run({ image: new ort.Tensor('float32', input, [1, 3, 8, 8]) })
    await session.release()
    const onnx = result['restored']!.data as Float32Array

    await tf.setBackend('cpu')
    // what UpscalerJS does before running the package's models: register its ScaleAndTranslate
    maximPackageDefinition<typeof tf>().setup(tf)
    const model = await loadTfjsGraphModel(modelJson)
    const reference = tf.tidy(() => (model.execute(tf.tensor4d(input, [1, 3, 8, 8]).transpose([0, 2, 3, 1])) as tf.Tensor).transpose([0, 3, 1, 2]))
    const expected = reference.dataSync() as Float32Array
    reference.dispose()
    model.dispose()
    let max = 0
    for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(expected[i]! - onnx[i]!))
    expect(onnx.length).toBe(expected.length)
    expect(max).toBeLessThanOrEqual(1e-5)
  })

  it('refuses an op it does not know, naming the op and the model file', async () => {
    const g = new GraphWriter()
    g.node('x', 'Placeholder', [], { dtype: FLOAT })
    const odd = g.node('odd', 'FancyNewOp', ['x'], { T: FLOAT })
    const graph = await readTfjsGraph(g.write(dir, g.node('odd2', 'Relu6', [odd], { T: FLOAT })))
    expect(() => convertTfjsGraph(graph, { height: 64, width: 64 })).toThrow(/model\.json: cannot convert unsupported TF op types: FancyNewOp \(1 node\), Relu6 \(1 node\)/)
  })

  it('refuses a tile size that is not a multiple of 64, naming the size', async () => {
    const g = new GraphWriter()
    g.node('x', 'Placeholder', [], { dtype: FLOAT })
    const graph = await readTfjsGraph(g.write(dir, g.node('n', 'Neg', ['x'], { T: FLOAT })))
    expect(() => convertTfjsGraph(graph, { height: 100, width: 64 })).toThrow(/tile height must be a positive multiple of 64, got 100/)
  })

  it('names the missing weight shard when a download is incomplete', async () => {
    const g = new GraphWriter()
    g.node('x', 'Placeholder', [], { dtype: FLOAT })
    g.float('c', [2])
    const file = g.write(dir, g.node('n', 'Mul', ['x', 'c'], { T: FLOAT }))
    rmSync(join(dir, 'w.bin'))
    await expect(readTfjsGraph(file)).rejects.toThrow(/model\.json: weight shard .*w\.bin is missing/)
  })
})
