/**
 * The inference engine: no Electron imports, so the app's main process, the CLI and the tests
 * all use it directly (DESIGN.md "Architecture").
 */
export { ModelError } from './model-error.ts'
export { loadModel, findModels, defaultModelDirs, type LoadedModel } from './load-model.ts'
export { availableProviders } from './onnx-sessions.ts'
export { DeblurEngine, DEFAULT_GRID, type DeblurResult, type PassOptions } from './deblur-engine.ts'
