/**
 * Builds window.api from the IPC allowlist (SECURITY.md #20): one named function per command,
 * one subscribe function per event, and openDroppedFile / grantDroppedToBatch, which turn
 * dropped Files into their paths here, where page script cannot forge them. No ipcRenderer and no generic invoke/send is
 * exposed. Bundled as one CommonJS file so it runs in the sandbox (SECURITY.md #4).
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import { BATCH_DROP_CHANNEL, COMMAND_METHODS, DROP_CHANNEL, EVENT_METHODS, type IpcResult } from '../shared/ipc-channels.ts'

async function invoke(channel: string, payload: unknown): Promise<unknown> {
  const result = (await ipcRenderer.invoke(channel, payload)) as IpcResult<unknown>
  // a plain Error keeps the readable message (naming the file) across the context bridge
  if (!result.ok) throw new Error(result.error)
  return result.value
}

const api: Record<string, unknown> = {}
for (const [method, channel] of Object.entries(COMMAND_METHODS)) {
  api[method] = (payload?: unknown) => invoke(channel, payload)
}
for (const [method, channel] of Object.entries(EVENT_METHODS)) {
  api[method] = (listener: (payload: unknown) => void) => {
    const wrapped = (_event: IpcRendererEvent, payload: unknown): void => listener(payload)
    ipcRenderer.on(channel, wrapped)
    return () => {
      ipcRenderer.removeListener(channel, wrapped)
    }
  }
}
api['openDroppedFile'] = (file: unknown) => {
  const path = file instanceof File ? webUtils.getPathForFile(file) : ''
  if (!path) return Promise.reject(new Error('Only photos dropped from your files can be opened.'))
  return invoke(DROP_CHANNEL, { path })
}

api['grantDroppedToBatch'] = (files: unknown) => {
  const list = Array.isArray(files) ? files : []
  const paths = list.map((f) => (f instanceof File ? webUtils.getPathForFile(f) : ''))
  if (paths.length === 0 || paths.some((p) => !p)) return Promise.reject(new Error('Only folders and photos dropped from your files can be added.'))
  return invoke(BATCH_DROP_CHANNEL, { paths })
}

contextBridge.exposeInMainWorld('api', Object.freeze(api))
