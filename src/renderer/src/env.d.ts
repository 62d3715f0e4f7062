/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { Api } from '../../shared/ipc-contract.ts'

declare global {
  interface Window {
    /** built by src/preload/index.ts from the IPC contract */
    readonly api: Api
  }
}
