// Starts a tile worker from its TypeScript source (CLI, tests, benchmarks running from source);
// the built app passes its bundled tile-worker.js instead (src/main/index.ts).
import { register } from 'tsx/esm/api'

register()
await import('./tile-worker.ts')
