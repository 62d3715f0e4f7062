import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // real ONNX sessions and real photos: slower than pure unit tests on 2 cores
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // onnxruntime and sharp each use native threads; one test file at a time keeps 2 cores usable
    fileParallelism: false,
    reporters: ['default'],
  },
})
