/** Browser-mode uploads (src/main/web-upload.ts): limits and names shared by the page and the server. */

/** Largest file the browser sends; larger ones are imported with the command line. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024

/** A batch folder name under <project>/imports/: letters, digits and dashes. */
export const UPLOAD_BATCH = /^[A-Za-z0-9-]{1,64}$/

/**
 * A dropped file's path below what was dropped ("punch/rec1.csv"), made safe to join below the
 * batch folder: no empty, "." or ".." segments, no drive letters or backslashes, at most 8 levels.
 */
export function safeRelativePath(path: string): string {
  // eslint-disable-next-line no-control-regex
  const bad = (p: string): boolean => p === '..' || p.includes(':') || p.length > 200 || /[\u0000-\u001f]/.test(p)
  const parts = path.replace(/\\/g, '/').split('/').filter((p) => p !== '' && p !== '.')
  if (parts.length === 0 || parts.length > 8 || parts.some(bad)) {
    throw Object.assign(new Error(`"${path.slice(0, 80)}" is not a file name the import can use.`), { hint: 'Rename the file or folder (letters, digits, dashes) and drop it again.' })
  }
  return parts.join('/')
}

/** A batch id for one pick or drop: the time and a random part. */
export function newUploadBatch(now = new Date(), random = Math.random): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')
  return `${t}-${Math.floor(random() * 1e6).toString(36)}`
}

/** What the user is told before anything is sent, or null when every file may go. */
export function uploadProblem(files: readonly { name: string; size: number }[]): string | null {
  const big = files.find((f) => f.size > MAX_UPLOAD_BYTES)
  if (big) return `${big.name} is ${(big.size / (1024 * 1024)).toFixed(1)} MB; the browser can send files up to ${MAX_UPLOAD_BYTES / (1024 * 1024)} MB. Import it with the command line (microforge import PROJECT FILE), or split it.`
  if (files.length === 0) return 'No files were dropped.'
  return null
}
