import * as ort from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import { type OnnxTensor, encodeModel, rawBytes } from '../../tools/maxim/onnx-proto.ts'

const f32 = (name: string, dims: number[], values: number[]): OnnxTensor => ({ name, dtype: 'float32', dims, raw: rawBytes(Float32Array.from(values)) })
const i64 = (name: string, values: number[]): OnnxTensor => ({
  name,
  dtype: 'int64',
  dims: [values.length],
  raw: rawBytes(BigInt64Array.from(values.map(BigInt))),
})

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType> {
  const session = await ort.InferenceSession.create(bytes)
  try {
    return await session.run(feeds)
  } finally {
    await session.release()
  }
}

describe('ONNX files written by the hand-made protobuf encoder load and compute in ONNX Runtime', () => {
  it('a conv with pads, strides and a bias computes the hand-calculated values', async () => {
    // 1×1×3×3 input, one 2×2 kernel of ones, pads 1 on top/left only, stride 2: sums of 2×2 windows
    const bytes = encodeModel(
      {
        name: 'conv',
        nodes: [
          {
            opType: 'Conv',
            inputs: ['x', 'w', 'b'],
            outputs: ['y'],
            attributes: [
              { name: 'kernel_shape', type: 'ints', value: [2, 2] },
              { name: 'pads', type: 'ints', value: [1, 1, 0, 0] },
              { name: 'strides', type: 'ints', value: [2, 2] },
            ],
          },
        ],
        initializers: [f32('w', [1, 1, 2, 2], [1, 1, 1, 1]), f32('b', [1], [0.5])],
        inputs: [{ name: 'x', dtype: 'float32', shape: [1, 1, 3, 3] }],
        outputs: [{ name: 'y', dtype: 'float32', shape: [1, 1, 2, 2] }],
      },
      { opset: 17, producerName: 'test' },
    )
    const x = new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 1, 3, 3])
    const { y } = await run(bytes, { x })
    expect(y!.dims).toEqual([1, 1, 2, 2])
    // windows: [1] , [2+3], [4+7], [5+6+8+9]
    expect(Array.from(y!.data as Float32Array)).toEqual([1.5, 5.5, 11.5, 28.5])
  })

  it('negative int64 values, float and string attributes and symbolic dims survive the encoding', async () => {
    const bytes = encodeModel(
      {
        name: 'mixed',
        nodes: [
          { opType: 'Reshape', inputs: ['x', 'shape'], outputs: ['flat'] },
          { opType: 'LeakyRelu', inputs: ['flat'], outputs: ['leaky'], attributes: [{ name: 'alpha', type: 'float', value: 0.25 }] },
          {
            opType: 'Resize',
            inputs: ['x', '', '', 'sizes'],
            outputs: ['big'],
            attributes: [
              { name: 'mode', type: 'string', value: 'nearest' },
              { name: 'coordinate_transformation_mode', type: 'string', value: 'asymmetric' },
              { name: 'nearest_mode', type: 'string', value: 'floor' },
            ],
          },
        ],
        initializers: [i64('shape', [1, -1]), i64('sizes', [1, 1, 2, 4])],
        inputs: [{ name: 'x', dtype: 'float32', shape: [1, 1, 'H', 'W'] }],
        outputs: [
          { name: 'leaky', dtype: 'float32', shape: [1, 'N'] },
          { name: 'big', dtype: 'float32', shape: [1, 1, 2, 4] },
        ],
      },
      { opset: 17, producerName: 'test', docString: 'negative dims and attributes' },
    )
    const x = new ort.Tensor('float32', Float32Array.from([-4, 8]), [1, 1, 1, 2])
    const { leaky, big } = await run(bytes, { x })
    expect(leaky!.dims).toEqual([1, 2])
    expect(Array.from(leaky!.data as Float32Array)).toEqual([-1, 8])
    expect(Array.from(big!.data as Float32Array)).toEqual([-4, -4, 8, 8, -4, -4, 8, 8])
  })

  it('a model with a wrong-typed initializer is rejected by ONNX Runtime rather than silently run', async () => {
    const bytes = encodeModel(
      {
        name: 'bad',
        nodes: [{ opType: 'Add', inputs: ['x', 'c'], outputs: ['y'] }],
        initializers: [i64('c', [1])],
        inputs: [{ name: 'x', dtype: 'float32', shape: [1] }],
        outputs: [{ name: 'y', dtype: 'float32', shape: [1] }],
      },
      { opset: 17, producerName: 'test' },
    )
    await expect(ort.InferenceSession.create(bytes)).rejects.toThrow(/type/i)
  })
})
