/** Human-readable numbers for the status line and panels, pure. */

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—'
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`
}

export function formatZoom(zoom: number): string {
  const pct = zoom * 100
  return `${pct >= 10 ? Math.round(pct) : pct.toFixed(1)} %`
}

export function formatDegrees(deg: number): string {
  return `${deg.toFixed(0)}°`
}

export function formatPixels(px: number): string {
  return `${px < 10 ? px.toFixed(1) : Math.round(px)} px`
}

/** `photo.jpg` → `photo_deblurred.jpg` with the extension of the chosen format. */
export function exportName(photoName: string, ext: string, suffix = '_deblurred'): string {
  const dot = photoName.lastIndexOf('.')
  const stem = dot > 0 ? photoName.slice(0, dot) : photoName
  return `${stem}${suffix}.${ext}`
}
