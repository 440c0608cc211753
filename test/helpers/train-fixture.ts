import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseImuCaptureCsv } from '../../src/main/core/dataset/imu-capture-csv'
import { stratifiedSplit } from '../../src/main/core/train/rng'
import { EventBus } from '../../src/main/services/event-bus'
import { JobService } from '../../src/main/services/job-service'
import { ProjectService } from '../../src/main/services/project-service'
import { TrainingService } from '../../src/main/services/training-service'
import type { JobUpdate } from '../../src/shared/contract/jobs'
import type { SampleFile } from '../../src/shared/dataset'
import { PUNCH_FLEX_DIR } from './fixtures'

export { PUNCH_FLEX_DIR }

/** The real MPU6050 gestures: label, axes and raw windows (g and deg/s). */
export function loadPunchFlex(): Array<{ label: string; axes: string[]; values: number[][]; source: string }> {
  const out: Array<{ label: string; axes: string[]; values: number[][]; source: string }> = []
  for (const label of ['punch', 'flex']) {
    const csv = parseImuCaptureCsv(readFileSync(join(PUNCH_FLEX_DIR, `${label}.csv`), 'utf8'))
    csv.windows.forEach((values, i) => out.push({ label, axes: csv.axes, values, source: `import:${label}.csv#${i + 1}` }))
  }
  return out
}

/** A project folder holding the punch/flex windows with a stratified, seeded 80/20 test split. */
export async function makePunchFlexProject(dir: string, seed = 7): Promise<{ services: { jobs: JobService; training: TrainingService; projects: ProjectService; bus: EventBus } }> {
  const bus = new EventBus()
  const jobs = new JobService(bus)
  const projects = new ProjectService(join(dir, '.config'))
  const projectDir = join(dir, 'project')
  await projects.create(projectDir, 'punch-flex')
  await projects.update(projectDir, {
    classes: [
      { name: 'punch', color: '#4e79a7' },
      { name: 'flex', color: '#f28e2b' }
    ],
    // The lessons record these gestures at 50 Hz (the files carry no time column).
    signal: { windowLength: 30, sampleRateHz: 50, rateSource: 'user' }
  })
  const windows = loadPunchFlex()
  const { held } = stratifiedSplit(windows.map((w) => w.label), 0.2, seed)
  windows.forEach((w, i) => {
    const id = `${w.label}-${String(i).padStart(3, '0')}`
    const file: SampleFile = {
      format: 'microforge-sample',
      version: 1,
      id,
      label: w.label,
      split: held.includes(i) ? 'test' : 'train',
      axes: w.axes,
      rateHz: null,
      values: w.values,
      source: w.source,
      createdAt: '2026-01-01T00:00:00.000Z'
    }
    writeFileSync(join(projectDir, 'samples', `${id}.json`), JSON.stringify(file))
  })
  return { services: { jobs, training: new TrainingService(jobs, projects), projects, bus } }
}

/** Every update job `jobId` sends on `bus` from now on, in order. */
export function jobUpdates(bus: EventBus, jobId: string): JobUpdate[] {
  const updates: JobUpdate[] = []
  bus.on('jobs.update', (u) => {
    if (u.jobId === jobId) updates.push(u)
  })
  return updates
}
