/**
 * Imports one CSV into a fresh project through the real DatasetService, in a process of its own so
 * the peak RSS is this import's. Prints one JSON line: peak RSS growth (MB), time (ms), windows.
 *
 *   node --import tsx large-csv-child.ts PROJECT CSV WINDOW_LENGTH
 */
import { join } from 'node:path'
import { DatasetService } from '../../../src/main/services/dataset-service'
import { EventBus } from '../../../src/main/services/event-bus'
import { ProjectService } from '../../../src/main/services/project-service'

const [project, csv, windowLength] = process.argv.slice(2)
const projects = new ProjectService(join(project, '..', 'config'))
await projects.create(project, 'large csv')
const dataset = new DatasetService(projects, new EventBus())
const rss0 = process.resourceUsage().maxRSS
const t0 = performance.now()
const r = await dataset.import(project, [csv], { windowLength: Number(windowLength), rateHz: 100 })
const ms = performance.now() - t0
const rssGrowthMB = (process.resourceUsage().maxRSS - rss0) / 1024
process.stdout.write(JSON.stringify({ rssGrowthMB, ms, windows: r.ids.length, classes: r.classes }) + '\n')
