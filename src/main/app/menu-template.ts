/**
 * The application menu as plain data: label, the usual accelerator, and either an editor
 * command (forwarded to the renderer as a `menu:command` event) or an Electron role.
 * src/main/index.ts turns it into a Menu; a unit test checks the accelerators. Single-key
 * shortcuts (B, H, K) are only shown: the editor handles them, so typing in a field still works.
 */
import type { MenuCommand } from '../../shared/ipc-channels.ts'

export type MenuEntry =
  | { label: string; accelerator?: string; registerAccelerator?: false; command: MenuCommand }
  | { role: string; label?: string }
  | { separator: true }
export interface MenuSection {
  label: string
  role?: string
  items: MenuEntry[]
}

export function menuTemplate(platform: string, appName = 'FideDiff Studio'): MenuSection[] {
  const mac = platform === 'darwin'
  const sections: MenuSection[] = []
  if (mac)
    sections.push({
      label: appName,
      items: [{ role: 'about' }, { separator: true }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { separator: true }, { role: 'quit' }],
    })
  sections.push(
    {
      label: 'File',
      items: [
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', command: 'open' },
        { separator: true },
        { label: 'Export Photo…', accelerator: 'CmdOrCtrl+E', command: 'export' },
        { label: 'Export Kernel Map…', accelerator: 'CmdOrCtrl+Shift+E', command: 'export-kernel-map' },
        { separator: true },
        mac ? { role: 'close' } : { role: 'quit', label: 'Quit' },
      ],
    },
    { label: 'Edit', items: [{ role: 'undo' }, { role: 'redo' }, { separator: true }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] },
    {
      label: 'Photo',
      items: [
        { label: 'Deblur', accelerator: 'CmdOrCtrl+D', command: 'deblur' },
        { label: 'Cancel', accelerator: 'CmdOrCtrl+.', command: 'cancel' },
      ],
    },
    {
      label: 'View',
      items: [
        { label: 'Fit to Window', accelerator: 'CmdOrCtrl+0', command: 'zoom-fit' },
        { label: 'Actual Size (100 %)', accelerator: 'CmdOrCtrl+1', command: 'zoom-100' },
        { label: 'Zoom In', accelerator: 'CmdOrCtrl+=', command: 'zoom-in' },
        { label: 'Zoom Out', accelerator: 'CmdOrCtrl+-', command: 'zoom-out' },
        { separator: true },
        { label: 'Before / After', accelerator: 'B', registerAccelerator: false, command: 'toggle-before-after' },
        { label: 'Timestep Heatmap', accelerator: 'H', registerAccelerator: false, command: 'toggle-heatmap' },
        { label: 'Kernel Glyphs', accelerator: 'K', registerAccelerator: false, command: 'toggle-kernels' },
        { separator: true },
        { role: 'togglefullscreen' },
      ],
    },
    { label: 'Window', role: 'windowMenu', items: [{ role: 'minimize' }, { role: 'zoom' }] },
  )
  return sections
}
