import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // the engine runs in a worker thread (src/main/app/engine-protocol.ts) and its tiles in
        // worker threads of their own (src/main/engine/tile-executor.ts): one entry each
        input: {
          index: resolve('src/main/index.ts'),
          'engine-worker': resolve('src/main/app/engine-worker.ts'),
          'tile-worker': resolve('src/main/engine/tile-worker.ts'),
        },
        external: ['sharp', 'onnxruntime-node'],
      },
    },
  },
  preload: {
    build: {
      // SECURITY.md #4: a sandboxed preload can only require('electron') — no chunks, no
      // node_modules — so it is bundled into one CommonJS file with everything inlined
      externalizeDeps: false,
      rollupOptions: { external: ['electron'], output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    plugins: [svelte()],
  },
})
