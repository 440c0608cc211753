import { MicroforgeError } from '../../../shared/errors'

/** The desktop app's open/save dialogs (shown by the main process); absent in browser mode. */
export const canPick = typeof window !== 'undefined' && typeof window.microforge?.pick === 'function'

export type PickPurpose = 'import-files' | 'import-folder' | 'export-folder' | 'firmware-folder' | 'profile-csv' | 'model-file' | 'tflm-sdk'

/**
 * Shows the dialog for a purpose; resolves to the picked paths ([] when cancelled). What is picked
 * is allowed for the next call of that purpose, even outside the project folder.
 */
export async function pickPaths(purpose: PickPurpose, defaultName?: string): Promise<string[]> {
  const bridge = window.microforge
  if (!bridge?.pick) throw new MicroforgeError('UNSUPPORTED', 'Dialogs exist only in the desktop app.', 'Type the path, or drop the files on the page.')
  const r = await bridge.pick({ purpose, ...(defaultName ? { defaultName } : {}) })
  if (!r.ok) throw MicroforgeError.fromData(r.error)
  return r.result.paths
}
