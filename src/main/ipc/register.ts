/**
 * Thin Electron adapter for handle(): registers every guarded command on ipcMain and turns
 * Electron's invoke event into the plain sender description handle() checks.
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron'
import type { CommandName } from '../../shared/ipc-contract.ts'
import type { GuardedHandler, IpcSender } from './handle.ts'

export function senderOf(event: IpcMainInvokeEvent): IpcSender {
  const frame = event.senderFrame
  return {
    webContentsId: event.sender.id,
    frameUrl: frame?.url,
    isMainFrame: frame !== null && frame === event.sender.mainFrame,
  }
}

/** Register all handlers; returns the function that removes them again. */
export function registerCommands(handlers: ReadonlyMap<CommandName, GuardedHandler>): () => void {
  for (const [channel, guarded] of handlers) ipcMain.handle(channel, (event, payload: unknown) => guarded(senderOf(event), payload))
  return () => {
    for (const channel of handlers.keys()) ipcMain.removeHandler(channel)
  }
}
