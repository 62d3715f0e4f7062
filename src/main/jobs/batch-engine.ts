/**
 * What a batch needs of an engine: the model it restores with (its manifest names outputs and
 * keys the journal), the provider that runs, and deblur() with cancel and per-tile progress.
 * The CLI's DeblurEngine satisfies it on the calling thread; the app's RemoteEngine satisfies it
 * from the engine worker thread, so a batch in the app never blocks the UI's event loop.
 */
import type { DeblurProgress, DeblurSettings, PhotoAnalysis, PixelBuffer, ProviderName, TileReport } from '../../shared/domain.ts'
import type { ModelManifest } from '../../shared/model-manifest.ts'

export interface BatchDeblurResult {
  image: PixelBuffer
  tiles: TileReport[]
  /** fidediff models: per-region t̂ and kernels (the kernel-map sidecar) */
  analysis: PhotoAnalysis | null
  provider: ProviderName
}

export interface BatchEngine {
  readonly model: { readonly manifest: ModelManifest }
  readonly provider: ProviderName
  deblur(
    image: PixelBuffer,
    settings: DeblurSettings,
    options: { signal?: AbortSignal; onProgress?: (p: DeblurProgress) => void; grid?: number },
  ): Promise<BatchDeblurResult>
}

/**
 * The fidediff model's estimator stages, run beside an image-to-image restorer: DESIGN.md
 * "Model contract" — the kernel map and t̂ come from a fidediff model whichever model restores.
 * DeblurEngine (CLI) and RemoteEngine (app) satisfy it.
 */
export interface BatchAnalyzer {
  readonly model: { readonly manifest: ModelManifest }
  analyze(image: PixelBuffer, options: { signal?: AbortSignal; grid?: number }): Promise<PhotoAnalysis>
}
