/**
 * The one gate every IPC command passes (SECURITY.md #17, STYLE.md habit 2): the sender must be
 * our window's top frame at our own origin, and the payload must match the contract's schema.
 * Electron-free, so tests drive it with plain sender descriptions; src/main/ipc/register.ts is
 * the thin adapter that feeds it Electron's IpcMainInvokeEvent.
 */
import { describeManifestIssues } from '../../shared/model-manifest.ts'
import { commands, type CommandName, type CommandRequest, type CommandResponse } from '../../shared/ipc-contract.ts'
import type { IpcResult } from '../../shared/ipc-channels.ts'

/** What handle() needs to know about who sent a message. */
export interface IpcSender {
  /** id of the sending WebContents */
  webContentsId: number
  /** URL of the frame that sent it (senderFrame.url); undefined when the frame is gone */
  frameUrl: string | undefined
  /** false for iframes: only the top frame of our page may call the API */
  isMainFrame: boolean
}

export interface SenderPolicy {
  /** the WebContents id of our window, null while there is none */
  windowId(): number | null
  /** scheme + host the UI is served from, e.g. "app://renderer" (Electron) or "http://127.0.0.1:5123" (tests) */
  origin: string
}

export type CommandImpl<C extends CommandName> = (request: CommandRequest<C>) => Promise<CommandResponse<C>>
export type CommandImpls = { [C in CommandName]: CommandImpl<C> }
export type GuardedHandler = (sender: IpcSender, payload: unknown) => Promise<IpcResult<unknown>>

/** "scheme://host" of a URL; WHATWG gives custom schemes an opaque "null" origin, so build it. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}`
  } catch {
    return null
  }
}

export function senderProblem(sender: IpcSender, policy: SenderPolicy): string | null {
  const id = policy.windowId()
  if (id === null || sender.webContentsId !== id) return 'the sender is not the FideDiff Studio window'
  if (!sender.isMainFrame) return 'the sender is a sub-frame, not the editor page'
  if (sender.frameUrl === undefined || originOf(sender.frameUrl) !== policy.origin)
    return `the sender page ${sender.frameUrl ?? '(gone)'} is not the editor`
  return null
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}

/** Wrap one command's implementation with the sender check and the schema check. */
export function handle<C extends CommandName>(channel: C, impl: CommandImpl<C>, policy: SenderPolicy): GuardedHandler {
  const schema = commands[channel].request
  return async (sender, payload) => {
    const refused = senderProblem(sender, policy)
    if (refused !== null) return { ok: false, error: `${channel} refused: ${refused}` }
    const parsed = schema.safeParse(payload)
    if (!parsed.success)
      return { ok: false, error: `${channel} refused: invalid request (${describeManifestIssues(parsed.error).join('; ')})` }
    try {
      return { ok: true, value: await impl(parsed.data as CommandRequest<C>) }
    } catch (error) {
      return { ok: false, error: messageOf(error) }
    }
  }
}

/** Every command of the contract, guarded; the adapters (Electron, e2e bridge) register these. */
export function guardAll(impls: CommandImpls, policy: SenderPolicy): Map<CommandName, GuardedHandler> {
  const out = new Map<CommandName, GuardedHandler>()
  for (const channel of Object.keys(commands) as CommandName[]) {
    out.set(channel, handle(channel, impls[channel] as CommandImpl<typeof channel>, policy))
  }
  return out
}
