// Starts the engine worker from its TypeScript source (tests and tools running from source,
// like bin/fidediff.mjs); the built app runs the bundled engine-worker.js instead.
import { register } from 'tsx/esm/api'

register()
await import('./engine-worker.ts')
