/**
 * The IPC allowlist: every channel the renderer may use, and the name `window.api` gives it.
 * Kept free of zod so the sandboxed preload (one CommonJS file, SECURITY.md #4) can import it
 * without pulling in a schema library; src/shared/ipc-contract.ts attaches the schemas and types.
 */

/** api method name → command channel (request → response, checked by handle() in main). */
export const COMMAND_METHODS = {
  getAppInfo: 'app:info',
  getSettings: 'settings:get',
  updateSettings: 'settings:update',
  listRecent: 'recent:list',
  clearRecent: 'recent:clear',
  openPhotoDialog: 'dialog:openPhoto',
  chooseExportPath: 'dialog:exportPhoto',
  chooseKernelMapPath: 'dialog:exportKernelMap',
  openPhoto: 'photo:open',
  closePhoto: 'photo:close',
  analyzePhoto: 'photo:analyze',
  deblurPhoto: 'photo:deblur',
  deblurRegion: 'photo:deblurRegion',
  cancelJob: 'job:cancel',
  exportPhoto: 'photo:export',
  exportKernelMap: 'kernelMap:export',
  // the Batch panel (issue 5 §5)
  chooseBatchFolders: 'dialog:batchFolders',
  chooseBatchOutputFolder: 'dialog:batchOutput',
  createBatch: 'batch:create',
  addToBatch: 'batch:add',
  startBatch: 'batch:start',
  pauseBatch: 'batch:pause',
  resumeBatch: 'batch:resume',
  cancelBatch: 'batch:cancel',
  showBatchOutput: 'batch:showOutput',
} as const

/**
 * The one command the preload calls itself: the path of a dropped file comes from
 * webUtils.getPathForFile in the preload, never from page script (SECURITY.md "Beyond Electron").
 */
export const DROP_CHANNEL = 'photo:openDropped' as const
/** Same for folders and photos dropped on the Batch panel: the preload turns them into paths. */
export const BATCH_DROP_CHANNEL = 'batch:grantDropped' as const

/** api listener name → event channel (main → renderer). */
export const EVENT_METHODS = {
  onJobProgress: 'job:progress',
  onJobFinished: 'job:finished',
  onMenuCommand: 'menu:command',
  onOpenRequested: 'photo:openRequested',
  onBatchFile: 'batch:file',
  onBatchFileProgress: 'batch:fileProgress',
  onBatchProgress: 'batch:progress',
  onBatchPaused: 'batch:paused',
  onBatchResumed: 'batch:resumed',
  onBatchFinished: 'batch:finished',
} as const

export type CommandMethod = keyof typeof COMMAND_METHODS
export type CommandChannel = (typeof COMMAND_METHODS)[CommandMethod] | typeof DROP_CHANNEL | typeof BATCH_DROP_CHANNEL
export type EventMethod = keyof typeof EVENT_METHODS
export type EventChannel = (typeof EVENT_METHODS)[EventMethod]

export const COMMAND_CHANNELS = [...Object.values(COMMAND_METHODS), DROP_CHANNEL, BATCH_DROP_CHANNEL] as readonly CommandChannel[]
export const EVENT_CHANNELS = Object.values(EVENT_METHODS) as readonly EventChannel[]

/** Every response crosses IPC as a result, so the renderer gets the readable message, not Electron's wrapper. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: string }

/** Menu items the main process forwards to the editor (accelerators live in the menu). */
export const MENU_COMMANDS = [
  'open',
  'export',
  'export-kernel-map',
  'deblur',
  'cancel',
  'zoom-fit',
  'zoom-100',
  'zoom-in',
  'zoom-out',
  'toggle-before-after',
  'toggle-heatmap',
  'toggle-kernels',
] as const
export type MenuCommand = (typeof MENU_COMMANDS)[number]
