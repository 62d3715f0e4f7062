/**
 * Long work on an open photo as jobs (STYLE.md habit 3): an id, an AbortController, typed
 * progress events and exactly one final event, whatever happens. Jobs run one after another —
 * they share one engine and its ONNX sessions — and a job cancelled while queued never starts.
 */
import type { DeblurProgress } from '../../shared/domain.ts'
import type { JobFinishedEvent, JobKind, JobProgressEvent, JobResult } from '../../shared/ipc-contract.ts'

export interface JobSink {
  progress(event: JobProgressEvent): void
  finished(event: JobFinishedEvent): void
}

export type JobBody = (signal: AbortSignal, onProgress: (p: DeblurProgress) => void) => Promise<JobResult>

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError'
}

interface Running {
  token: string
  controller: AbortController
}

export class PhotoJobs {
  #next = 1
  #queue: Promise<void> = Promise.resolve()
  readonly #jobs = new Map<string, Running>()
  readonly #sink: JobSink

  constructor(sink: JobSink) {
    this.#sink = sink
  }

  /** Queue `body`; returns the job id at once (before any event for it is sent). */
  start(token: string, kind: JobKind, body: JobBody): string {
    const jobId = `job-${this.#next++}`
    const controller = new AbortController()
    this.#jobs.set(jobId, { token, controller })
    const { signal } = controller
    const run = async (): Promise<void> => {
      let final: JobFinishedEvent
      try {
        if (signal.aborted) throw Object.assign(new Error('cancelled'), { name: 'AbortError' })
        const result = await body(signal, (progress) => {
          if (!signal.aborted) this.#sink.progress({ jobId, token, kind, progress })
        })
        final = signal.aborted ? { jobId, token, kind, status: 'cancelled' } : { jobId, token, kind, status: 'done', result }
      } catch (error) {
        final =
          signal.aborted || isAbortError(error)
            ? { jobId, token, kind, status: 'cancelled' }
            : { jobId, token, kind, status: 'failed', error: error instanceof Error ? error.message : String(error) }
      }
      this.#jobs.delete(jobId)
      this.#sink.finished(final)
    }
    this.#queue = this.#queue.then(run)
    return jobId
  }

  cancel(jobId: string): boolean {
    const job = this.#jobs.get(jobId)
    if (!job) return false
    job.controller.abort()
    return true
  }

  /** Cancel every job of one photo (closing it) or of all photos (quitting). */
  cancelAll(token?: string): void {
    for (const job of this.#jobs.values()) if (token === undefined || job.token === token) job.controller.abort()
  }

  get activeCount(): number {
    return this.#jobs.size
  }

  /** Resolves when every queued job has sent its final event. */
  async idle(): Promise<void> {
    await this.#queue
  }
}
