import { createRequire } from 'node:module'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { SystemApi, SystemInfo, TflmSdkStatus } from '../../shared/contract/system'
import { APP_VERSION } from '../version'
import type { AppSettings } from './app-settings'

const require = createRequire(import.meta.url)

/** Which tfjs backend training will use: tfjs-node when it loads, else wasm, else the cpu backend. */
export function probeTrainingBackend(): string {
  try {
    require.resolve('@tensorflow/tfjs-node')
    return 'tensorflow'
  } catch {
    /* optional dependency absent: expected on offline machines */
  }
  try {
    require.resolve('@tensorflow/tfjs-backend-wasm')
    return 'wasm'
  } catch {
    return 'cpu'
  }
}

function tfjsVersion(): string {
  try {
    return (require('@tensorflow/tfjs-core/package.json') as { version: string }).version
  } catch {
    return 'unknown'
  }
}

export class SystemService implements SystemApi {
  constructor(
    private readonly host: SystemInfo['host'],
    private readonly settings: AppSettings
  ) {}

  tflmSdk(): Promise<TflmSdkStatus> {
    return this.settings.tflmSdk()
  }

  setTflmSdk(dir: string | null): Promise<TflmSdkStatus> {
    return this.settings.setTflmSdk(dir)
  }

  async info(): Promise<SystemInfo> {
    return {
      appVersion: APP_VERSION,
      host: this.host,
      platform: process.platform,
      arch: process.arch,
      nodeVersion: process.versions.node,
      electronVersion: process.versions.electron ?? null,
      trainingBackend: probeTrainingBackend(),
      tfjsVersion: tfjsVersion(),
      defaultProjectsDir: join(homedir(), 'Microforge')
    }
  }
}
