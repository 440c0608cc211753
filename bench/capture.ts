/**
 * `npm run bench -- capture`: 1,000 samples/s x 6 axes at 921600 baud through a socat pty for
 * BENCH_SECONDS (default 60) into the real DeviceService (real serialport binding).
 *
 * How each number is obtained:
 * - The board is a child process (so its timers do not share the app's event loop) writing one
 *   line per millisecond, `micros,aX,aY,aZ,gX,gY,gZ`, where micros is the wall-clock time of the
 *   write and gZ is the line's sequence number.
 * - Lines lost: lines the board wrote minus samples that reached 'device.samples' events; sequence
 *   numbers also give out-of-order and duplicate counts.
 * - Serial -> renderer latency: the same child process is also a WebSocket client of the app's
 *   web server (the transport of `npm run web`), so for every sample it takes the time the event
 *   arrived and was decoded minus the time it wrote the line: one clock, no skew.
 * - Serial -> event latency: for every sample, the time its batch event reached a bus listener
 *   minus the write time printed in the line (same clock, same machine). The listener also
 *   JSON-encodes each batch, as every transport does.
 * - Longest event-loop block: perf_hooks.monitorEventLoopDelay (1 ms resolution) in the app
 *   process during the run.
 * - Parse throughput: LineFramer + LineParser alone over 500,000 such lines in memory, per second
 *   of CPU time (and of wall time, which a busy machine lowers).
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { LineFramer } from '../src/main/core/serial/line-framer'
import { LineParser, type StreamItem } from '../src/main/core/serial/line-parser'
import WebSocket from 'ws'
import { createServices } from '../src/main/services'
import type { DeviceService } from '../src/main/services/device-service'
import { startWebServer } from '../src/main/web-server'
import { openBoardEnd } from '../src/main/sim/board-writer'
import { startPtyPair } from '../src/main/sim/pty-pair'
import type { SampleBatch } from '../src/shared/contract/device'

const RATE = 1000
const BAUD = 921600
const nowMs = (): number => performance.timeOrigin + performance.now()

function line(seq: number, tMs: number): string {
  const p = seq / RATE
  const v = [Math.sin(p * 6.28), Math.cos(p * 3.1) * 0.5, 1 + 0.01 * Math.sin(p * 50), 120 * Math.sin(p * 2), -80 * Math.cos(p * 5)]
  return `${Math.round(tMs * 1000)},${v.map((x) => x.toFixed(4)).join(',')},${seq}\n`
}

async function producer(boardPath: string, seconds: number, wsUrl: string, origin: string): Promise<void> {
  // The board and the renderer in one process, on one clock, apart from the app's event loop.
  const wsLatencies: number[] = []
  let wsSamples = 0
  const ws = new WebSocket(wsUrl, { origin })
  await new Promise<void>((res, rej) => {
    ws.once('open', () => res())
    ws.once('error', rej)
  })
  ws.on('message', (data) => {
    const at = nowMs()
    const msg = JSON.parse(data.toString()) as { type: string; event?: string; payload?: SampleBatch }
    if (msg.type !== 'event' || msg.event !== 'device.samples' || !msg.payload) return
    for (const t of msg.payload.times) wsLatencies.push(at - t)
    wsSamples += msg.payload.values.length
  })
  const stream = openBoardEnd(boardPath)
  stream.on('error', () => undefined)
  stream.write('micros,aX,aY,aZ,gX,gY,gZ\n')
  const start = performance.now()
  let seq = 0
  await new Promise<void>((res) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - start
      const due = Math.min(Math.floor((elapsed * RATE) / 1000), seconds * RATE)
      let chunk = ''
      const t = nowMs()
      while (seq < due) chunk += line(seq++, t)
      if (chunk) stream.write(chunk)
      if (seq >= seconds * RATE) {
        clearInterval(timer)
        stream.write('', () => res())
      }
    }, 1)
  })
  const settle = nowMs() + 2000
  while (wsSamples < seq && nowMs() < settle) await new Promise((r) => setTimeout(r, 20))
  ws.close()
  const sorted = Float64Array.from(wsLatencies).sort()
  const ms = (q: number): number => round(percentile(sorted, q), 2)
  process.stdout.write(JSON.stringify({ sent: seq, wsSamples, wsLatencyMs: { p50: ms(0.5), p95: ms(0.95), p99: ms(0.99), max: round(sorted[sorted.length - 1] ?? NaN, 2) } }) + '\n')
  stream.destroy()
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}

function parseThroughput(): { lines: number; cpuSeconds: number; linesPerCpuSecond: number; megabytesPerCpuSecond: number; wallSeconds: number; linesPerWallSecond: number } {
  const n = 500_000
  const parts: string[] = ['micros,aX,aY,aZ,gX,gY,gZ\n']
  for (let i = 0; i < n; i++) parts.push(line(i, 1_700_000_000_000 + i))
  const bytes = new TextEncoder().encode(parts.join(''))
  const framer = new LineFramer()
  const parser = new LineParser()
  const items: StreamItem[] = []
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  for (let off = 0; off < bytes.length; off += 4096) {
    items.length = 0
    for (const l of framer.push(bytes.subarray(off, off + 4096))) parser.push(l, items)
  }
  const wall = (performance.now() - t0) / 1000
  const c = process.cpuUsage(c0)
  const cpu = (c.user + c.system) / 1e6
  if (parser.stats.samples !== n) throw new Error(`parse bench: ${parser.stats.samples} of ${n} samples`)
  // CPU time is the parser's own cost; wall time also counts time other processes took the CPU.
  return {
    lines: n,
    cpuSeconds: round(cpu, 3),
    linesPerCpuSecond: Math.round(n / cpu),
    megabytesPerCpuSecond: round(bytes.length / 1e6 / cpu, 1),
    wallSeconds: round(wall, 3),
    linesPerWallSecond: Math.round(n / wall)
  }
}

function round(x: number, d: number): number {
  const k = 10 ** d
  return Math.round(x * k) / k
}

async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 60)
  const tmp = mkdtempSync(path.join(tmpdir(), 'mf-bench-capture-'))
  const pair = await startPtyPair(path.join(tmp, 'board'))
  const services = createServices({ host: 'web', configDir: path.join(tmp, 'config') })
  const web = await startWebServer({ services, staticDir: tmp })
  const bus = services.bus
  const device = services.api.device as DeviceService
  const latencies = new Float64Array(seconds * RATE + 1000)
  let received = 0
  let outOfOrder = 0
  let duplicates = 0
  let lastSeq = -1
  let events = 0
  let encodedBytes = 0
  let lastBatch: SampleBatch | null = null
  bus.on('device.samples', (b) => {
    const at = nowMs()
    encodedBytes += JSON.stringify(b).length
    events++
    lastBatch = b
    for (let i = 0; i < b.values.length; i++) {
      const seq = b.values[i][5]
      if (seq === lastSeq) duplicates++
      else if (seq < lastSeq) outOfOrder++
      lastSeq = Math.max(lastSeq, seq)
      if (received < latencies.length) latencies[received] = at - b.times[i]
      received++
    }
  })
  // Time the service's own synchronous work, to tell our blocking apart from a busy machine.
  // Wall time counts moments the OS gave the CPU to another process; CPU time is the handler's own cost.
  const handlerMax = { onData: 0, flushBatch: 0 }
  const handlerCpuMax = { onData: 0, flushBatch: 0 }
  const dev = device as unknown as Record<'onData' | 'flushBatch', (...a: unknown[]) => unknown>
  for (const name of ['onData', 'flushBatch'] as const) {
    const orig = dev[name].bind(device)
    dev[name] = (...a: unknown[]) => {
      const t0 = performance.now()
      const c0 = process.cpuUsage()
      const r = orig(...a)
      const c = process.cpuUsage(c0)
      handlerMax[name] = Math.max(handlerMax[name], performance.now() - t0)
      handlerCpuMax[name] = Math.max(handlerCpuMax[name], (c.user + c.system) / 1000)
      return r
    }
  }
  const load0 = loadavg()[0]
  await device.open(pair.link, BAUD)
  const loop = monitorEventLoopDelay({ resolution: 1 })
  loop.enable()
  const cpu0 = process.cpuUsage()
  const wall0 = performance.now()

  const wsUrl = `ws://127.0.0.1:${web.port}/rpc?token=${web.token}`
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(import.meta.dirname, 'capture.ts'), '--producer', pair.boardLink, String(seconds), wsUrl, web.origin], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  await new Promise((r) => child.once('exit', r))
  const report = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { sent?: number; wsSamples?: number; wsLatencyMs?: { p50: number; p95: number; p99: number; max: number } }
  const sent = report.sent ?? 0
  // Let the last lines through the pty and the last batch out.
  const settle = nowMs() + 2000
  while (received < sent && nowMs() < settle) await new Promise((r) => setTimeout(r, 20))
  await new Promise((r) => setTimeout(r, 100))
  loop.disable()
  const cpu = process.cpuUsage(cpu0)
  const wall = performance.now() - wall0
  const status = await device.status()
  await device.close()
  await web.close()
  await services.dispose()
  await pair.close()
  rmSync(tmp, { recursive: true, force: true })

  const lat = latencies.slice(0, Math.min(received, latencies.length)).sort()
  const result = {
    bench: 'capture',
    date: new Date().toISOString(),
    node: process.version,
    config: { rateHz: RATE, axes: 6, baud: BAUD, seconds, transport: 'socat pty pair, serialport 13 binding' },
    linesSent: sent,
    samplesReceived: received,
    linesLost: sent - received,
    outOfOrder,
    duplicates,
    parserCounts: status.stats,
    measuredRateNote: 'from the board clock over the last 512 samples; this board stamps bursts with their write time, so it is approximate',
    parserCountsNote: 'missing is estimated from board timestamps; this board stamps each burst of lines with its write time, so bursts read as gaps. Lines lost above is the exact count.',
    measuredRate: status.rate,
    events: { count: events, perSecond: round(events / (wall / 1000), 1), meanSamplesPerEvent: round(received / Math.max(1, events), 1), jsonBytesPerSecond: Math.round(encodedBytes / (wall / 1000)) },
    rendererLatencyMs: {
      what: 'board write -> device.samples event decoded by a WebSocket client in another process (the renderer path of npm run web)',
      samples: report.wsSamples ?? 0,
      ...(report.wsLatencyMs ?? { p50: NaN, p95: NaN, p99: NaN, max: NaN })
    },
    latencyMs: {
      what: 'board write -> device.samples event at a bus listener in the app process',
      p50: round(percentile(lat, 0.5), 2),
      p95: round(percentile(lat, 0.95), 2),
      p99: round(percentile(lat, 0.99), 2),
      max: round(lat[lat.length - 1] ?? NaN, 2)
    },
    eventLoop: { longestBlockMs: round(loop.max / 1e6, 1), p99DelayMs: round(loop.percentile(99) / 1e6, 1), meanDelayMs: round(loop.mean / 1e6, 2) },
    longestServiceHandlerMs: {
      wall: { onData: round(handlerMax.onData, 2), flushBatch: round(handlerMax.flushBatch, 2) },
      cpu: { onData: round(handlerCpuMax.onData, 2), flushBatch: round(handlerCpuMax.flushBatch, 2) }
    },
    host: { cpus: cpus().length, loadAverage1mStart: round(load0, 2), loadAverage1mEnd: round(loadavg()[0], 2), note: 'event-loop delay includes time the OS did not schedule the process; compare with the service handler times and the load' },
    appCpuPercent: round(((cpu.user + cpu.system) / 1000 / wall) * 100, 1),
    parseThroughput: parseThroughput(),
    lastBatchAxes: (lastBatch as SampleBatch | null)?.axes ?? null,
    targets: { linesLost: 0, longestBlockMsUnder: 50 }
  }
  const dir = path.resolve(import.meta.dirname, 'results')
  mkdirSync(dir, { recursive: true })
  writeFileSync(path.join(dir, 'capture.json'), JSON.stringify(result, null, 2) + '\n')
  console.log(
    `capture: ${sent} lines in ${seconds} s, lost ${result.linesLost}, to renderer (WebSocket) p50 ${result.rendererLatencyMs.p50} ms p99 ${result.rendererLatencyMs.p99} ms, to event bus p50 ${result.latencyMs.p50} ms p99 ${result.latencyMs.p99} ms max ${result.latencyMs.max} ms, ` +
      `longest event-loop block ${result.eventLoop.longestBlockMs} ms (longest service handler ${Math.max(handlerMax.onData, handlerMax.flushBatch).toFixed(2)} ms wall, ${Math.max(handlerCpuMax.onData, handlerCpuMax.flushBatch).toFixed(2)} ms CPU; load ${result.host.loadAverage1mEnd} on ${result.host.cpus} CPUs), app CPU ${result.appCpuPercent}%, parse ${result.parseThroughput.linesPerCpuSecond} lines per CPU-second (${result.parseThroughput.megabytesPerCpuSecond} MB/s)`
  )
  if (result.linesLost !== 0 || result.eventLoop.longestBlockMs >= 50) process.exitCode = 1
}

if (process.argv[2] === '--producer') await producer(process.argv[3], Number(process.argv[4]), process.argv[5], process.argv[6])
else await main()
