import { newUploadBatch, uploadProblem } from '../../../shared/upload'
import { MicroforgeError, type ErrorData } from '../../../shared/errors'

/** A file the user picked or dropped, with its path below what they dropped ("punch/rec1.csv"). */
export interface PickedFile {
  file: File
  path: string
}

/**
 * Browser mode: sends the files into the project (imports/<batch>/) through the local server and
 * returns what to import: each dropped file, or each dropped folder as a whole.
 */
export async function uploadForImport(projectDir: string, picked: readonly PickedFile[]): Promise<string[]> {
  const problem = uploadProblem(picked.map((p) => ({ name: p.path, size: p.file.size })))
  if (problem) throw new MicroforgeError('INVALID_ARGUMENT', problem)
  const token = sessionStorage.getItem('microforge.token') ?? ''
  const batch = newUploadBatch()
  const saved: string[] = []
  for (const p of picked) {
    const r = await fetch('/upload', {
      method: 'POST',
      headers: {
        'x-microforge-token': token,
        'x-microforge-project': encodeURIComponent(projectDir),
        'x-microforge-path': encodeURIComponent(p.path),
        'x-microforge-batch': batch,
        'Content-Type': 'application/octet-stream'
      },
      body: p.file
    })
    const body = (await r.json().catch(() => null)) as { path?: string; error?: ErrorData } | null
    if (!r.ok || !body?.path) throw MicroforgeError.fromData(body?.error ?? { code: 'IO_ERROR', message: `Could not send ${p.path} to Microforge (HTTP ${r.status}).` })
    saved.push(body.path)
  }
  // A dropped folder is imported as one (a folder per class keeps its labels); loose files one by one.
  const roots = new Map<string, string>()
  picked.forEach((p, i) => {
    const top = p.path.split('/')[0]
    const path = saved[i]
    const depth = p.path.split('/').length - 1
    const sep = path.includes('\\') && !path.includes('/') ? '\\' : '/'
    roots.set(top, depth === 0 ? path : path.split(sep).slice(0, -depth).join(sep))
  })
  return [...roots.values()]
}

/** Every file of a drop, folders walked (Chromium's and Firefox's webkitGetAsEntry). */
export async function filesFromDrop(dt: DataTransfer): Promise<PickedFile[]> {
  const entries = [...dt.items].map((i) => i.webkitGetAsEntry?.() ?? null)
  if (entries.some((e) => e === null)) return [...dt.files].map((file) => ({ file, path: file.name }))
  const out: PickedFile[] = []
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject))
      out.push({ file, path: prefix + entry.name })
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader()
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject))
        if (batch.length === 0) break
        for (const e of batch) await walk(e, `${prefix}${entry.name}/`)
      }
    }
  }
  for (const e of entries) await walk(e as FileSystemEntry, '')
  return out
}

/** Files from an <input type="file">, with the folder structure when a folder was chosen. */
export function filesFromInput(list: FileList): PickedFile[] {
  return [...list].map((file) => ({ file, path: file.webkitRelativePath || file.name }))
}
