import { join } from 'node:path'
import { EventBus } from '../../src/main/services/event-bus'
import { ProjectService } from '../../src/main/services/project-service'
import type { ProfileLiveUpdate } from '../../src/shared/contract/profile'

/** What a ProfileService test starts from: a bus whose profile.live events are collected, and a new project 'Profiled' under root. */
export async function profileProject(root: string): Promise<{ bus: EventBus; events: ProfileLiveUpdate[]; projects: ProjectService; dir: string }> {
  const bus = new EventBus()
  const events: ProfileLiveUpdate[] = []
  bus.on('profile.live', (p) => events.push(p))
  const projects = new ProjectService(join(root, 'config'))
  const dir = join(root, `p${Math.random().toString(36).slice(2, 8)}`)
  await projects.create(dir, 'Profiled')
  return { bus, events, projects, dir }
}
