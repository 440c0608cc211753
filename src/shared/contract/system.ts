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

export interface SystemApi {
  info(): Promise<SystemInfo>
}

export const systemArgs: ArgSchemas<SystemApi> = {
  info: z.tuple([])
}
