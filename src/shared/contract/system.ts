import { z } from 'zod'
import type { ArgSchemas } from './types'

export interface SystemInfo {
  appVersion: string
  /** 'electron' or 'web' (Node services behind a WebSocket) or 'cli'. */
  host: 'electron' | 'web' | 'cli'
  platform: string
  arch: string
  nodeVersion: string
  electronVersion: string | null
  /** Training backend the next job will use: 'tensorflow' (tfjs-node), 'wasm' or 'cpu'. */
  trainingBackend: string
  tfjsVersion: string
  /** Default folder offered for new projects. */
  defaultProjectsDir: string
}

/**
 * The TensorFlow Lite Micro SDK the virtual board builds TFLM firmware against: the user's own
 * build (Microforge never ships TFLM), from the app setting, else the MICROFORGE_TFLM variable.
 */
export interface TflmSdkStatus {
  /** The folder in use, or null when none is set. */
  dir: string | null
  from: 'setting' | 'env' | null
  /** What the folder holds: this computer's library, the Cortex-M4 reference and CMSIS-NN libraries. */
  targets: { host: boolean; m4Reference: boolean; m4CmsisNn: boolean }
  /** Why TFLM firmware cannot run here, with what to do; absent when every target is there. */
  problem?: string
  hint?: string
}

export interface SystemApi {
  info(): Promise<SystemInfo>
  /** The TFLM SDK in use and what it can build. */
  tflmSdk(): Promise<TflmSdkStatus>
  /** Saves the TFLM SDK folder in the app's settings after checking it (null: back to MICROFORGE_TFLM). */
  setTflmSdk(dir: string | null): Promise<TflmSdkStatus>
}

export const systemArgs: ArgSchemas<SystemApi> = {
  info: z.tuple([]),
  tflmSdk: z.tuple([]),
  setTflmSdk: z.tuple([z.string().trim().min(1).max(4096).nullable()])
}
