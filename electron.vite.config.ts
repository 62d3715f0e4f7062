import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

export default defineConfig({
  main: {
    build: {
      rollupOptions: { external: ['sharp', 'onnxruntime-node'] },
    },
  },
  preload: {
    build: {
      // a sandboxed preload cannot require() chunks: one CommonJS file
      rollupOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    plugins: [svelte()],
  },
})
