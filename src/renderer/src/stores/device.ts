import { defineStore } from 'pinia'
import { computed, markRaw, ref, shallowRef } from 'vue'
import type { DeviceStatus, OpenOptions, PortInfo, RecordingStatus, SampleBatch, StreamRate, StreamStats } from '../../../shared/contract/device'
import type { FirmwareBoardOptions, VirtualBoardInfo, VirtualBoardOptions } from '../../../shared/contract/sim'
import { api } from '../api'
import { SampleRing } from '../live/sample-ring'
import { useAppStore } from './app'
import { useOfferedField } from '../composables/offered-field'
import { guardedBy, reported } from '../composables/reported'

const LAST_PORT = 'microforge.lastPort'
const LAST_BAUD = 'microforge.lastBaud'
const AUTO_RECONNECT = 'microforge.autoReconnect'

/** How often the rate, jitter and counters shown to the user are refreshed from the sample batches. */
const LIVE_REFRESH_MS = 250

export interface LiveNumbers {
  total: number
  stats: StreamStats
  rate: StreamRate
  /** Serial-to-renderer latency of the last batch, ms (host clock). */
  latencyMs: number | null
}

/**
 * The board connection as the views see it. Status and counters are reactive (a few updates a
 * second); the samples themselves go into `ring`, which is not reactive, and charts poll it once per
 * animation frame.
 */
export const useDeviceStore = defineStore('device', () => {
  const app = useAppStore()
  const status = shallowRef<DeviceStatus | null>(null)
  const recording = shallowRef<RecordingStatus | null>(null)
  const live = shallowRef<LiveNumbers | null>(null)
  const ports = ref<PortInfo[]>([])
  /**
   * Whether `ports` is the system's list: 'listing' until the first listing replies (an empty list
   * then means "not known yet", not "none"), 'unreadable' when the last listing failed.
   */
  const portsState = ref<'listing' | 'listed' | 'unreadable'>('listing')
  /** A listing is out: Refresh waits for it rather than sending another. */
  const listingPorts = ref(false)
  const virtualBoard = shallowRef<VirtualBoardInfo | null>(null)
  const busy = ref(false)
  const path = ref(localStorage.getItem(LAST_PORT) ?? '')
  /** The first port that can be a board, offered to an empty port field (not while the user is in it). */
  const pathField = useOfferedField(path, () => ports.value.find((p) => p.likelyBoard)?.path ?? '')
  const baud = ref(Number(localStorage.getItem(LAST_BAUD)) || 115200)
  const autoReconnect = ref(localStorage.getItem(AUTO_RECONNECT) === 'true')
  const ring = markRaw(new SampleRing(20_000))
  let started = false
  let lastLive = 0

  const state = computed(() => status.value?.state ?? 'closed')
  const connected = computed(() => state.value === 'open')
  const axes = computed(() => status.value?.layout?.axes ?? [])

  function setStatus(s: DeviceStatus): void {
    status.value = s
    if (s.recording) recording.value = s.recording
    const where = s.path ? `${s.path}${s.baud ? ` at ${s.baud} baud` : ''}` : ''
    app.deviceLabel =
      s.state === 'open'
        ? `Board: ${where}`
        : s.state === 'reconnecting'
          ? `Reconnecting to ${s.path ?? 'the board'}…`
          : s.state === 'opening'
            ? `Opening ${where}…`
            : s.state === 'error'
              ? `Board disconnected (${s.path ?? ''})`
              : 'No board connected'
    // The virtual board's socat ended (killed, crashed): offer to start a new one.
    if (s.state === 'error' && virtualBoard.value && s.path === virtualBoard.value.path) {
      setTimeout(() => {
        api.sim.status().then(
          (v) => (virtualBoard.value = v),
          () => undefined
        )
      }, 500)
    }
    if (s.layout && (ring.axes.length !== s.layout.axes.length || ring.axes.some((a, i) => a !== s.layout?.axes[i]))) ring.reset(s.layout.axes)
  }

  /** Subscribes once for the app's lifetime: the status bar shows the board on every step. */
  async function init(): Promise<void> {
    if (started) return
    started = true
    api.on('device.status', setStatus)
    api.on('device.recording', (r) => (recording.value = r))
    try {
      setStatus(await api.device.status())
      virtualBoard.value = await api.sim.status()
    } catch (err) {
      app.reportError(err)
    }
  }

  let samplesWatchers = 0
  let stopSamples: (() => void) | null = null
  /**
   * Views that show the live stream hold this while mounted (onBeforeUnmount(device.watchSamples())):
   * sample batches cross to the renderer only while one does.
   */
  function watchSamples(): () => void {
    if (samplesWatchers++ === 0) stopSamples = api.on('device.samples', onSamples)
    let released = false
    return () => {
      if (released) return
      released = true
      if (--samplesWatchers === 0) {
        stopSamples?.()
        stopSamples = null
      }
    }
  }

  function onSamples(b: SampleBatch): void {
    if (ring.axes.length !== b.axes.length) ring.reset(b.axes)
    const last = ring.latestTime()
    // A board that restarted begins its clock again: start the chart over.
    if (last !== null && b.times.length && b.times[0] < last - 1000) ring.reset(b.axes)
    ring.push(b.times, b.values)
    const now = performance.timeOrigin + performance.now()
    if (now - lastLive >= LIVE_REFRESH_MS) {
      lastLive = now
      live.value = { total: b.total, stats: b.stats, rate: b.rate, latencyMs: Math.max(0, now - b.firstArrival) }
    }
  }

  const guarded = guardedBy(busy)

  async function refreshPorts(): Promise<void> {
    if (listingPorts.value) return
    // Listing ports does not make the store busy: Connect and the virtual board stay usable meanwhile.
    listingPorts.value = true
    const list = await reported(() => api.device.listPorts())
    listingPorts.value = false
    if (!list) {
      // The message says why; the ports listed before (if any) are still offered.
      portsState.value = 'unreadable'
      return
    }
    portsState.value = 'listed'
    ports.value = list
    pathField.offer()
  }

  async function open(options: OpenOptions = {}): Promise<boolean> {
    const p = path.value.trim()
    if (!p) {
      app.notify('error', 'Choose a port first. Pick one from the list, or type its path (for example /dev/ttyACM0).')
      return false
    }
    localStorage.setItem(LAST_PORT, p)
    localStorage.setItem(LAST_BAUD, String(baud.value))
    localStorage.setItem(AUTO_RECONNECT, String(autoReconnect.value))
    live.value = null
    ring.reset(ring.axes)
    const s = await guarded(() => api.device.open(p, baud.value, { autoReconnect: autoReconnect.value, ...options }))
    if (s) setStatus(s)
    return !!s
  }

  async function close(): Promise<void> {
    const s = await guarded(() => api.device.close())
    if (s) setStatus(s)
  }

  /** Starts the virtual board and connects to it. */
  async function startVirtualBoard(options: VirtualBoardOptions = {}): Promise<boolean> {
    const info = await guarded(() => api.sim.start(options))
    if (!info) return false
    virtualBoard.value = info
    path.value = info.path
    return open()
  }

  /** Starts the project's generated firmware on the virtual board (host build) and connects to it. */
  async function startFirmwareBoard(projectDir: string, options: FirmwareBoardOptions = {}): Promise<boolean> {
    const info = await guarded(() => api.sim.startFirmware(projectDir, options))
    if (!info) return false
    virtualBoard.value = info
    path.value = info.path
    return open()
  }

  async function stopVirtualBoard(): Promise<void> {
    await guarded(() => api.sim.stop())
    virtualBoard.value = null
  }

  return {
    status,
    recording,
    live,
    ports,
    portsState,
    listingPorts,
    pathEntered: pathField.entered,
    pathLeft: pathField.left,
    virtualBoard,
    busy,
    path,
    baud,
    autoReconnect,
    ring,
    state,
    connected,
    axes,
    init,
    watchSamples,
    refreshPorts,
    open,
    close,
    startVirtualBoard,
    startFirmwareBoard,
    stopVirtualBoard
  }
})
