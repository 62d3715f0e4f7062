/** Native open/save/folder dialogs: the only way (besides drops and the recent list) a path gets granted. */
import { dialog, type BrowserWindow } from 'electron'
import type { ExportFormat } from '../../shared/ipc-contract.ts'
import type { Dialogs } from '../app/app-core.ts'

const PHOTO_EXTENSIONS = ['jpg', 'jpeg', 'png', 'tif', 'tiff', 'webp', 'avif', 'gif', 'heic', 'heif']
const FORMAT_EXTENSIONS: Record<ExportFormat, string[]> = {
  jpeg: ['jpg', 'jpeg'],
  png: ['png'],
  tiff: ['tif', 'tiff'],
  webp: ['webp'],
  avif: ['avif'],
}

export function electronDialogs(window: () => BrowserWindow | null): Dialogs {
  return {
    async openPhoto() {
      const win = window()
      const options = { properties: ['openFile' as const], filters: [{ name: 'Photos', extensions: PHOTO_EXTENSIONS }] }
      const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
      return r.canceled ? null : (r.filePaths[0] ?? null)
    },
    async savePhoto(suggestedName, format) {
      const win = window()
      const options = { defaultPath: suggestedName, filters: [{ name: format.toUpperCase(), extensions: FORMAT_EXTENSIONS[format] }] }
      const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options)
      return r.canceled || !r.filePath ? null : r.filePath
    },
    async saveKernelMap(suggestedName) {
      const win = window()
      const options = { defaultPath: suggestedName, filters: [{ name: 'PNG + JSON', extensions: ['png'] }] }
      const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options)
      return r.canceled || !r.filePath ? null : r.filePath
    },
    async chooseFolders() {
      const win = window()
      const options = { title: 'Folders to deblur', properties: ['openDirectory' as const, 'multiSelections' as const] }
      const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
      return r.canceled ? [] : r.filePaths
    },
    async chooseOutputFolder() {
      const win = window()
      const options = { title: 'Output folder', properties: ['openDirectory' as const, 'createDirectory' as const] }
      const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
      return r.canceled ? null : (r.filePaths[0] ?? null)
    },
  }
}
