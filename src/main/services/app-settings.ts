/**
 * The app's own settings (not a project's): <app data folder>/settings.json, written atomically.
 * Today one setting: the TensorFlow Lite Micro SDK folder the virtual board builds against.
 */
import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import type { TflmSdkStatus } from '../../shared/contract/system'
import { checkTflmSdkFolder, tflmSdkStatus } from '../sim/tflm-sdk-status'
import { writeJsonAtomic } from '../storage/atomic-fs'

interface SettingsFile {
  tflmSdkDir?: string
}

export class AppSettings {
  constructor(private readonly configDir: string) {}

  private path(): string {
    return join(this.configDir, 'settings.json')
  }

  private async read(): Promise<SettingsFile> {
    try {
      const raw = JSON.parse(await fs.readFile(this.path(), 'utf8')) as unknown
      return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as SettingsFile) : {}
    } catch {
      // A missing or damaged settings file costs the settings, never a project: the defaults apply.
      return {}
    }
  }

  /** The SDK folder the user set, or null (then MICROFORGE_TFLM applies). */
  async tflmSdkDir(): Promise<string | null> {
    const dir = (await this.read()).tflmSdkDir
    return typeof dir === 'string' && dir ? dir : null
  }

  /** The SDK in use (the setting, else MICROFORGE_TFLM) and what it can build. */
  async tflmSdk(): Promise<TflmSdkStatus> {
    return tflmSdkStatus(await this.tflmSdkDir())
  }

  /** Checks and saves the SDK folder; null forgets it. */
  async setTflmSdk(dir: string | null): Promise<TflmSdkStatus> {
    const settings = await this.read()
    if (dir === null) delete settings.tflmSdkDir
    else settings.tflmSdkDir = checkTflmSdkFolder(dir)
    await fs.mkdir(this.configDir, { recursive: true })
    await writeJsonAtomic(this.path(), settings)
    return this.tflmSdk()
  }
}
