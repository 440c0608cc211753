/**
 * The single source of truth for what the renderer, the CLI and the tests may ask of the services.
 * Each service's interface, argument schemas and events live in ./contract/<service>.ts; this file
 * joins them. Adding a service: add its file, then one line in Api, apiArgs and Events.
 */
import type { z } from 'zod'
import { datasetArgs, type DatasetApi, type DatasetEvents } from './contract/dataset'
import { deployArgs, type DeployApi } from './contract/deploy'
import { deviceArgs, type DeviceApi, type DeviceEvents } from './contract/device'
import { jobsArgs, type JobsApi, type JobsEvents } from './contract/jobs'
import { optimizeArgs, type OptimizeApi } from './contract/optimize'
import { modelArgs, type ModelApi } from './contract/model'
import { profileArgs, type ProfileApi, type ProfileEvents } from './contract/profile'
import { projectArgs, type ProjectApi } from './contract/project'
import { simArgs, type SimApi } from './contract/sim'
import { systemArgs, type SystemApi } from './contract/system'
import { trainingArgs, type TrainingApi } from './contract/training'
import type { ArgSchemas } from './contract/types'

export interface Api {
  system: SystemApi
  project: ProjectApi
  jobs: JobsApi
  profile: ProfileApi
  training: TrainingApi
  optimize: OptimizeApi
  device: DeviceApi
  dataset: DatasetApi
  sim: SimApi
  deploy: DeployApi
  model: ModelApi
}

export const apiArgs: { [S in keyof Api]: ArgSchemas<Api[S]> } = {
  system: systemArgs,
  project: projectArgs,
  jobs: jobsArgs,
  profile: profileArgs,
  training: trainingArgs,
  optimize: optimizeArgs,
  device: deviceArgs,
  dataset: datasetArgs,
  sim: simArgs,
  deploy: deployArgs,
  model: modelArgs
}

export type Events = JobsEvents & ProfileEvents & DeviceEvents & DatasetEvents

export type ServiceName = keyof Api
export type EventName = keyof Events

/** Every event name, for transports that must allow-list subscriptions (the satisfies keeps it complete). */
const EVENT_TABLE = {
  'jobs.update': true,
  'profile.live': true,
  'device.status': true,
  'device.samples': true,
  'device.recording': true,
  'dataset.changed': true
} as const satisfies Record<EventName, true>

export const EVENT_NAMES = Object.keys(EVENT_TABLE) as EventName[]

export function isEventName(x: unknown): x is EventName {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(EVENT_TABLE, x)
}

/** 'service.method' for every method of every service. */
export type MethodPath = { [S in ServiceName]: `${S}.${Extract<keyof Api[S], string>}` }[ServiceName]

export const SERVICE_NAMES = Object.keys(apiArgs) as ServiceName[]

/** Every method path the contract has, for transports that must allow-list them. */
export function methodPaths(): string[] {
  const out: string[] = []
  for (const s of SERVICE_NAMES) for (const m of Object.keys(apiArgs[s])) out.push(`${s}.${m}`)
  return out
}

/** The argument schema for 'service.method', or undefined for anything the contract does not name. */
export function argSchemaFor(path: string): z.ZodType<unknown[]> | undefined {
  const dot = path.indexOf('.')
  if (dot <= 0) return undefined
  const service = path.slice(0, dot)
  const method = path.slice(dot + 1)
  if (!Object.prototype.hasOwnProperty.call(apiArgs, service)) return undefined
  const schemas = apiArgs[service as ServiceName] as Record<string, z.ZodType<unknown[]>>
  if (!Object.prototype.hasOwnProperty.call(schemas, method)) return undefined
  return schemas[method]
}
