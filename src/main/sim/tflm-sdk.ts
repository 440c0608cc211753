/**
 * Where the user's TensorFlow Lite Micro build lives. Microforge never ships or copies TFLM: the
 * virtual board builds TFLM firmware only against an SDK the user points it at (the setting, or
 * the MICROFORGE_TFLM environment variable): a folder holding `include/` (TFLM, flatbuffers and
 * gemmlowp headers from one include root), `host/libtflm.a` (this computer, reference kernels)
 * and `cortex-m4/{reference,cmsis-nn}/libtflm.a` (Cortex-M4F, hard float, release builds).
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { MicroforgeError } from '../../shared/errors'

export type TflmKernels = 'reference' | 'cmsis-nn'

/** What a TFLM build runs on: this computer, or an emulated Cortex-M4F with one kernel set. */
export type TflmTarget = { kind: 'host' } | { kind: 'm4'; kernels: TflmKernels }

export interface TflmSdk {
  dir: string
  include: string
  hostLibrary: string
  m4Library(kernels: TflmKernels): string
}

export const LAYOUT_HINT =
  'In Profile, choose the TFLM SDK folder (or set MICROFORGE_TFLM): the folder that holds include/ (TFLM headers), host/libtflm.a (for this computer) ' +
  'and cortex-m4/reference/libtflm.a and cortex-m4/cmsis-nn/libtflm.a, TensorFlow Lite Micro (github.com/tensorflow/tflite-micro) built as static libraries ' +
  '(Cortex-M4F, -mfloat-abi=hard, built with -DTF_LITE_STATIC_MEMORY -DNDEBUG -DTF_LITE_STRIP_ERROR_STRINGS). Or generate the firmware with the Microforge C runtime, which needs no SDK.'

/**
 * The SDK at `dir`, else at MICROFORGE_TFLM. Throws a MicroforgeError that says what to install
 * and where to point the setting when neither is set or the folder lacks what `target` needs.
 */
export function resolveTflmSdk(target: TflmTarget, dir?: string | null): TflmSdk {
  const chosen = dir || process.env.MICROFORGE_TFLM
  if (!chosen) {
    throw new MicroforgeError('UNSUPPORTED', 'TFLM SDK not set: TensorFlow Lite Micro firmware needs one on this computer to build.', LAYOUT_HINT)
  }
  const root = resolve(chosen)
  const sdk: TflmSdk = {
    dir: root,
    include: join(root, 'include'),
    hostLibrary: join(root, 'host', 'libtflm.a'),
    m4Library: (kernels) => join(root, 'cortex-m4', kernels, 'libtflm.a')
  }
  const needed = [join(sdk.include, 'tensorflow', 'lite', 'micro', 'micro_interpreter.h'), target.kind === 'host' ? sdk.hostLibrary : sdk.m4Library(target.kernels)]
  for (const f of needed) {
    if (!existsSync(f)) {
      throw new MicroforgeError('UNSUPPORTED', `The TFLM SDK at ${root} has no ${f.slice(root.length + 1)}.`, LAYOUT_HINT)
    }
  }
  return sdk
}
