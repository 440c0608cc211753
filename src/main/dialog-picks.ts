/**
 * The desktop app's open and save dialogs. The renderer asks for a dialog for one purpose; the
 * main process shows it (the renderer never names a path here) and tells the path policy that the
 * user picked those paths for the calls of that purpose (PathPolicy.pick: one call each, within
 * ten minutes). A path typed into a form still has to be inside the project or a granted folder.
 *
 * Kept free of `electron` imports so the logic is tested without the Electron binary; ipc.ts wires
 * it to `dialog.showOpenDialog` / `showSaveDialog`.
 */
import { z } from 'zod'
import { MicroforgeError, type ErrorData } from '../shared/errors'
import type { PathPolicy } from './rpc/path-policy'

export const IPC_PICK = 'microforge:pick'

/** Each purpose: the dialog it shows and the contract methods the picked paths serve. */
const PURPOSES = {
  'import-files': { dialog: 'open-files', methods: ['dataset.previewImport', 'dataset.import'], title: 'Choose recordings to import' },
  'import-folder': { dialog: 'open-folder', methods: ['dataset.previewImport', 'dataset.import'], title: 'Choose a folder of recordings (a folder per class)' },
  'export-folder': { dialog: 'open-folder', methods: ['dataset.export'], title: 'Choose where to export the dataset' },
  'firmware-folder': { dialog: 'open-folder', methods: ['deploy.generate'], title: 'Choose where to write the firmware' },
  'profile-csv': { dialog: 'save', methods: ['profile.exportCsv'], title: 'Save the timings as CSV' },
  'model-file': { dialog: 'open-file', methods: ['model.inspect', 'model.run'], title: 'Choose a .tflite model' },
  'tflm-sdk': { dialog: 'open-folder', methods: ['system.setTflmSdk'], title: 'Choose the TensorFlow Lite Micro SDK folder' }
} as const

export type PickPurpose = keyof typeof PURPOSES

export const PickRequestSchema = z
  .object({
    purpose: z.enum(Object.keys(PURPOSES) as [PickPurpose, ...PickPurpose[]]),
    /** A file name the save dialog suggests (no folders). */
    defaultName: z
      .string()
      .max(120)
      .regex(/^[^/\\\0]+$/, 'a file name, without folders')
      .optional()
  })
  .strict()

export type PickRequest = z.infer<typeof PickRequestSchema>

export interface DialogOptions {
  title: string
  kind: 'open-files' | 'open-file' | 'open-folder' | 'save'
  defaultName?: string
}

/** What ipc.ts supplies: Electron's dialogs on the main window. */
export interface Dialogs {
  show(options: DialogOptions): Promise<string[]>
}

export type PickResult = { ok: true; result: { paths: string[] } } | { ok: false; error: ErrorData }

/** Shows the dialog for a validated request and grants what the user picked; [] when cancelled. */
export async function handlePick(raw: unknown, dialogs: Dialogs, policy: PathPolicy): Promise<PickResult> {
  const parsed = PickRequestSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.join('.') || 'request'
    return {
      ok: false,
      error: new MicroforgeError('INVALID_ARGUMENT', `A dialog request was refused: ${where}: ${issue?.message ?? 'invalid'}.`, 'This is a bug in Microforge; please report it.').toData()
    }
  }
  const purpose = PURPOSES[parsed.data.purpose]
  let paths: string[]
  try {
    paths = await dialogs.show({ title: purpose.title, kind: purpose.dialog, ...(parsed.data.defaultName ? { defaultName: parsed.data.defaultName } : {}) })
  } catch (err) {
    return { ok: false, error: new MicroforgeError('IO_ERROR', `The dialog could not be shown: ${(err as Error).message}`, 'Try again, or type the path.').toData() }
  }
  for (const method of purpose.methods) policy.pick(method, paths)
  return { ok: true, result: { paths } }
}
