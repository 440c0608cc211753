/**
 * Runs inside `unshare --user --map-root-user --mount` with a tiny tmpfs mounted at DISK, so the
 * disk really fills (ENOSPC from the kernel, no mocks). Everything that needs the full disk is
 * checked here, before the namespace and its tmpfs go away; the result is one JSON line on stdout.
 *
 *   capture: a board on a real pty streams 1 kHz into a recording until the disk is full.
 *   deploy:  firmware generated once, the disk filled up, then generated again over it.
 *   import:  a CSV of many windows imported onto a nearly full disk, then again once there is room.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import type tty from 'node:tty'
import { EventBus } from '../../../src/main/services/event-bus'
import { DatasetService } from '../../../src/main/services/dataset-service'
import { DeployService } from '../../../src/main/services/deploy-service'
import { DeviceService } from '../../../src/main/services/device-service'
import { ProjectService } from '../../../src/main/services/project-service'
import { openBoardEnd, paceInto } from '../../../src/main/sim/board-writer'
import { startPtyPair } from '../../../src/main/sim/pty-pair'
import type { RecordingStatus } from '../../../src/shared/contract/device'
import { prepareHelloProject } from '../../helpers/hello-firmware'

const [scenario, disk, scratch] = process.argv.slice(2)
const projects = new ProjectService(join(scratch, 'config'))
const project = join(disk, 'project')
await projects.create(project, 'full disk')

/** Every file below a folder, with a hash of its bytes. */
function tree(dir: string, base = dir, out: Record<string, string> = {}): Record<string, string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) tree(p, base, out)
    else out[p.slice(base.length + 1)] = createHash('sha256').update(readFileSync(p)).digest('hex')
  }
  return out
}

const leftovers = (): string[] => Object.keys(tree(project)).filter((p) => /\.tmp|\.old-/.test(p))

/** Fills the disk, leaving about `roomBytes` free. */
function fill(roomBytes: number): void {
  let i = 0
  const chunk = Buffer.alloc(4096, 1)
  try {
    for (;;) writeFileSync(join(disk, `filler-${i++}`), chunk)
  } catch {
    /* full */
  }
  // Give back some room so the next write starts and then fails half-way.
  for (let k = 0; k * 4096 < roomBytes && k < i; k++) writeFileSync(join(disk, `filler-${k}`), '')
}

if (scenario === 'capture') {
  const bus = new EventBus()
  const dataset = new DatasetService(projects, bus)
  const device = new DeviceService({ bus, dataset })
  let last: RecordingStatus | null = null
  bus.on('device.recording', (r) => (last = r))
  const pair = await startPtyPair(join(scratch, 'board'))
  const board: tty.WriteStream = openBoardEnd(pair.boardLink)
  board.on('error', () => undefined)
  let i = 0
  const writer = paceInto(board, { next: () => (i++ === 0 ? ['aX,aY,aZ', '0,0,1'] : [`${(i % 50) / 10},0.5,1`]) }, 1000)
  await device.open(pair.link, 921600)
  while (!(await device.status()).layout) await new Promise((r) => setTimeout(r, 10))
  await device.startRecording({ project, label: 'wave', trigger: 'continuous', samples: 50, count: 100_000 })
  const end = Date.now() + 30_000
  while (Date.now() < end && (last as RecordingStatus | null)?.state !== 'failed') await new Promise((r) => setTimeout(r, 20))
  writer.stop()
  const status = last as RecordingStatus | null
  const listed = await dataset.list(project)
  const readable = await Promise.all(listed.map((w) => dataset.get(project, w.id).then((full) => full.values.length)))
  process.stdout.write(
    JSON.stringify({
      state: status?.state,
      error: status?.error,
      windowsSaved: status?.windowsSaved,
      savedIds: status?.savedIds,
      listedIds: listed.map((w) => w.id),
      readable,
      leftovers: leftovers(),
      projectJson: JSON.parse(readFileSync(join(project, 'project.json'), 'utf8')).name
    }) + '\n'
  )
  await device.dispose()
  board.destroy()
  await pair.close()
} else if (scenario === 'deploy') {
  await prepareHelloProject(projects, project)
  const deploy = new DeployService()
  const request = { projectDir: project, variant: 'hello_int8', target: 'nano33ble', runtime: 'c', mode: 'classify', kind: 'platformio', overwrite: true } as const
  const first = await deploy.generate(request)
  const before = tree(first.path)
  fill(8 * 1024)
  let error: unknown = null
  try {
    await deploy.generate(request)
  } catch (err) {
    error = { code: (err as { code?: string }).code, message: (err as Error).message, hint: (err as { hint?: string }).hint }
  }
  let zipError: unknown = null
  try {
    await deploy.generate({ ...request, zip: true })
  } catch (err) {
    zipError = { code: (err as { code?: string }).code, message: (err as Error).message }
  }
  process.stdout.write(
    JSON.stringify({
      error,
      zipError,
      intact: JSON.stringify(tree(first.path)) === JSON.stringify(before),
      files: Object.keys(before).length,
      zipExists: existsSync(join(project, 'firmware', 'hello_int8_nano33ble_c_classify.zip')),
      firmwareEntries: readdirSync(join(project, 'firmware')),
      leftovers: leftovers()
    }) + '\n'
  )
} else if (scenario === 'import') {
  const dataset = new DatasetService(projects)
  const csv = join(scratch, 'many.csv')
  // 400 windows of 25 samples x 3 axes in 4 classes: 400 files, 1.6 MB on tmpfs (4 KB pages).
  const rows = ['label,aX,aY,aZ']
  for (let w = 0; w < 400; w++) for (let i = 0; i < 25; i++) rows.push(`c${w % 4},${w + i / 100},${i},${-w}`)
  writeFileSync(csv, rows.join('\n') + '\n')
  fill(96 * 1024)
  let error: unknown = null
  try {
    await dataset.import(project, [csv], { windowLength: 25 })
  } catch (err) {
    error = { code: (err as { code?: string }).code, message: (err as Error).message, hint: (err as { hint?: string }).hint }
  }
  const afterFull = await dataset.list(project)
  const classesAfterFull = (await projects.summarize(project)).project.classes.map((c) => c.name)
  for (const n of readdirSync(disk)) if (n.startsWith('filler-')) writeFileSync(join(disk, n), '')
  const retry = await dataset.import(project, [csv], { windowLength: 25 })
  const afterRetry = await dataset.list(project)
  const classes = (await projects.summarize(project)).project.classes.map((c) => c.name)
  process.stdout.write(
    JSON.stringify({
      error,
      windowsAfterFull: afterFull.length,
      unlistedAfterFull: afterFull.filter((w) => !classesAfterFull.includes(w.label)).length,
      retryImported: Object.values(retry.classes).reduce((a, b) => a + b, 0),
      windowsAfterRetry: afterRetry.length,
      distinctSources: new Set(afterRetry.map((w) => w.source)).size,
      unlistedAfterRetry: afterRetry.filter((w) => !classes.includes(w.label)).length,
      hidden: readdirSync(join(project, 'samples')).filter((n) => n.startsWith('.')),
      leftovers: leftovers()
    }) + '\n'
  )
}
