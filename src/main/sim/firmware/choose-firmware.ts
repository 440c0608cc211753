/**
 * Which firmware a virtual board runs, and where: one rule for the Profile step and the Connect
 * step's "Run my firmware". A folder given decides its own runtime (and must agree with a runtime
 * asked for); otherwise the project's newest firmware of the chosen runtime.
 */
import { basename, resolve } from 'node:path'
import type { ProfileRuntime } from '../../../shared/contract/profile'
import { MicroforgeError } from '../../../shared/errors'
import type { TflmKernels } from '../tflm-sdk'
import { firmwareSources, newestFirmware, RUNTIME_TITLES, type FirmwareMode, type FirmwareRuntime } from './firmware-folder'

export interface FirmwareChoice {
  firmwareDir?: string
  /** The runtime of the default firmware (default: the C runtime). */
  runtime?: FirmwareRuntime
  /** 'host' (default): this computer; 'qemu': the emulated Cortex-M4F. */
  engine?: 'host' | 'qemu'
  /** TFLM in QEMU: the SDK's Cortex-M4 kernel set (default reference). */
  kernels?: TflmKernels
}

export async function chooseFirmware(projectDir: string | null, choice: FirmwareChoice, prefer: FirmwareMode = 'profile'): Promise<{ dir: string; runtime: FirmwareRuntime | null }> {
  if (choice.engine !== 'qemu' && choice.kernels === 'cmsis-nn') {
    throw new MicroforgeError('INVALID_ARGUMENT', 'CMSIS-NN kernels run only on the emulated Cortex-M4: this computer has TFLM reference kernels.', 'Choose "Emulated Cortex-M4F in QEMU", or TFLM reference kernels.')
  }
  if (!choice.firmwareDir) {
    if (projectDir === null) throw new MicroforgeError('INVALID_ARGUMENT', 'Say which firmware to run: a project, or a firmware folder.', 'Generate firmware in the Deploy step first.')
    const runtime = choice.runtime ?? 'c'
    return { dir: await newestFirmware(projectDir, runtime, prefer), runtime }
  }
  const dir = resolve(choice.firmwareDir)
  const { runtime } = await firmwareSources(dir)
  if (choice.runtime && runtime && runtime !== choice.runtime) {
    throw new MicroforgeError(
      'INVALID_ARGUMENT',
      `${basename(dir)} runs ${RUNTIME_TITLES[runtime]}, not ${RUNTIME_TITLES[choice.runtime]}.`,
      `Choose ${RUNTIME_TITLES[runtime]} as the runtime, or leave the firmware folder empty to use the newest ${RUNTIME_TITLES[choice.runtime]} firmware.`
    )
  }
  return { dir, runtime }
}

/** The runtime a profile or a board status names: the C runtime, or TFLM with the kernels linked. */
export function profileRuntime(runtime: FirmwareRuntime | null, kernels: TflmKernels | undefined): ProfileRuntime | undefined {
  if (runtime === null) return undefined
  return runtime === 'c' ? 'c' : kernels === 'cmsis-nn' ? 'tflm-cmsis-nn' : 'tflm-reference'
}
