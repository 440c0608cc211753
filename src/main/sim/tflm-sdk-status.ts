/**
 * What a TensorFlow Lite Micro SDK folder can build, for the Profile and Deploy steps to show
 * before anyone presses Start: the setting's folder, else MICROFORGE_TFLM.
 */
import { existsSync, statSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import type { TflmSdkStatus } from '../../shared/contract/system'
import { MicroforgeError } from '../../shared/errors'
import { LAYOUT_HINT } from './tflm-sdk'

const HEADER = join('include', 'tensorflow', 'lite', 'micro', 'micro_interpreter.h')

function targetsOf(dir: string): TflmSdkStatus['targets'] {
  return {
    host: existsSync(join(dir, 'host', 'libtflm.a')),
    m4Reference: existsSync(join(dir, 'cortex-m4', 'reference', 'libtflm.a')),
    m4CmsisNn: existsSync(join(dir, 'cortex-m4', 'cmsis-nn', 'libtflm.a'))
  }
}

/** The status of the SDK at `setting` (the app setting), else at MICROFORGE_TFLM. Never throws. */
export function tflmSdkStatus(setting: string | null, env: NodeJS.ProcessEnv = process.env): TflmSdkStatus {
  const fromEnv = env.MICROFORGE_TFLM?.trim() || null
  const chosen = setting ?? fromEnv
  const none = { host: false, m4Reference: false, m4CmsisNn: false }
  if (!chosen) {
    return {
      dir: null,
      from: null,
      targets: none,
      problem: 'TFLM SDK not set: TensorFlow Lite Micro firmware cannot be built or run on the virtual board.',
      hint: LAYOUT_HINT
    }
  }
  const dir = resolve(chosen)
  const from = setting ? 'setting' : 'env'
  if (!existsSync(join(dir, HEADER))) {
    return { dir, from, targets: targetsOf(dir), problem: `The TFLM SDK folder ${dir} has no ${HEADER}.`, hint: LAYOUT_HINT }
  }
  const targets = targetsOf(dir)
  const missing = [targets.host ? null : 'host/libtflm.a', targets.m4Reference ? null : 'cortex-m4/reference/libtflm.a', targets.m4CmsisNn ? null : 'cortex-m4/cmsis-nn/libtflm.a'].filter((m): m is string => !!m)
  if (!missing.length) return { dir, from, targets }
  return { dir, from, targets, problem: `The TFLM SDK at ${dir} has no ${missing.join(', ')}: runs that need ${missing.length > 1 ? 'them' : 'it'} cannot start.`, hint: LAYOUT_HINT }
}

/**
 * Checks a folder the user offers as the TFLM SDK: an absolute path to a folder with TFLM's
 * headers and at least one of the libraries. Throws a MicroforgeError saying what is missing.
 */
export function checkTflmSdkFolder(dir: string): string {
  if (!isAbsolute(dir)) throw new MicroforgeError('INVALID_ARGUMENT', `"${dir}" is not an absolute path.`, 'Choose the TFLM SDK folder by its full path.')
  const abs = resolve(dir)
  let isDir = false
  try {
    isDir = statSync(abs).isDirectory()
  } catch {
    isDir = false
  }
  if (!isDir) throw new MicroforgeError('NOT_FOUND', `There is no folder ${abs}.`, 'Choose the folder that holds the TFLM SDK (include/, host/, cortex-m4/).')
  const status = tflmSdkStatus(abs, {})
  if (!existsSync(join(abs, HEADER))) throw new MicroforgeError('INVALID_ARGUMENT', `${abs} is not a TFLM SDK: it has no ${HEADER}.`, LAYOUT_HINT)
  if (!status.targets.host && !status.targets.m4Reference && !status.targets.m4CmsisNn) {
    throw new MicroforgeError('INVALID_ARGUMENT', `${abs} has TFLM's headers but none of host/libtflm.a, cortex-m4/reference/libtflm.a, cortex-m4/cmsis-nn/libtflm.a.`, LAYOUT_HINT)
  }
  return abs
}
