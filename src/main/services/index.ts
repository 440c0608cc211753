import { homedir } from 'node:os'
import { join } from 'node:path'
import type { Api } from '../../shared/contract'
import type { SystemInfo } from '../../shared/contract/system'
import { AppSettings } from './app-settings'
import { EventBus, type ServiceEvents } from './event-bus'
import { DatasetService } from './dataset-service'
import { DeployService } from './deploy-service'
import { DeviceService } from './device-service'
import { JobService } from './job-service'
import { ModelService } from './model-service'
import { OptimizeService } from './optimize-service'
import { openSerialLines } from './profile-serial-source'
import { ProfileService, releaseDevicePort, type ProfileLineSources } from './profile-service'
import { openVirtualLines } from './profile-virtual-source'
import { ProjectService } from './project-service'
import { SimService } from './sim-service'
import { SystemService } from './system-service'
import { TrainingService } from './training-service'

export interface ServicesOptions {
  host: SystemInfo['host']
  /** Where app settings (the recent list) live. Tests pass a temporary folder. */
  configDir?: string
}

export interface Services {
  api: Api
  bus: ServiceEvents
  jobs: JobService
  projects: ProjectService
  /** The app's data folder (settings, the recent list). */
  configDir: string
  /** Closes ports, stops workers. */
  dispose(): Promise<void>
}

/** Settings folder: MICROFORGE_HOME when set (tests, portable installs), else ~/.config/microforge. */
export function defaultConfigDir(): string {
  return process.env.MICROFORGE_HOME || join(homedir(), '.config', 'microforge')
}

/**
 * Builds every service once; the Electron IPC, the WebSocket server, the CLI and the tests all
 * reach them through the same Api object.
 */
export function createServices(opts: ServicesOptions): Services {
  const bus = new EventBus()
  const jobs = new JobService(bus)
  const configDir = opts.configDir ?? defaultConfigDir()
  const projects = new ProjectService(configDir)
  const disposers: Array<() => Promise<void> | void> = []
  const dataset = new DatasetService(projects, bus)
  const device = new DeviceService({ bus, dataset })
  disposers.push(() => device.dispose())
  const settings = new AppSettings(configDir)
  const sim = new SimService(undefined, () => settings.tflmSdkDir())
  disposers.push(() => sim.dispose())
  // The virtual board performs the gesture being recorded, like a person asked to record "punch".
  bus.on('device.recording', (r) => {
    const active = r.state === 'countdown' || r.state === 'armed' || r.state === 'recording'
    void device.status().then((st) => sim.follow(st.path, active ? r.label : null))
  })
  const virtual: ProfileLineSources['virtual'] = async (dir, source, sink, targetMHz) => openVirtualLines(dir, source, sink, targetMHz, { tflmSdkDir: await settings.tflmSdkDir() })
  const profile = new ProfileService(bus, { serial: openSerialLines, virtual, release: (port) => releaseDevicePort(device, port) }, projects)
  disposers.push(() => profile.dispose())
  const api: Api = {
    system: new SystemService(opts.host, settings),
    project: projects,
    jobs,
    profile,
    training: new TrainingService(jobs, projects),
    optimize: new OptimizeService(jobs),
    device,
    dataset,
    sim,
    deploy: new DeployService(),
    model: new ModelService()
  }
  return {
    api,
    bus,
    jobs,
    projects,
    configDir,
    async dispose() {
      for (const d of disposers.reverse()) await d()
    }
  }
}
