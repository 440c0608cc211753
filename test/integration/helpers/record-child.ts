/**
 * A recording app in a child process, for the kill -9 test: opens the port, records continuous
 * windows into the project and prints each saved window id on stdout as it lands on disk.
 */
import { EventBus } from '../../../src/main/services/event-bus'
import { DatasetService } from '../../../src/main/services/dataset-service'
import { DeviceService } from '../../../src/main/services/device-service'
import { ProjectService } from '../../../src/main/services/project-service'

const [link, project, configDir] = process.argv.slice(2)
const bus = new EventBus()
const projects = new ProjectService(configDir)
const dataset = new DatasetService(projects, bus)
const device = new DeviceService({ bus, dataset })
let reported = 0
bus.on('device.status', (s) => {
  if (s.layout) process.stdout.write('layout\n')
})
bus.on('device.recording', (r) => {
  while (reported < r.savedIds.length) process.stdout.write(`saved ${r.savedIds[reported++]}\n`)
})
await device.open(link, 921600)
process.stdout.write('open\n')
const waitLayout = async (): Promise<void> => {
  while (!(await device.status()).layout) await new Promise((r) => setTimeout(r, 10))
}
await waitLayout()
await device.startRecording({ project, label: 'wave', trigger: 'continuous', samples: 20, count: 100_000 })
process.stdout.write('recording\n')
