import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type {
  DamagedSession,
  ProfileComparison,
  ProfileLiveUpdate,
  ProfileOptions,
  ProfileSample,
  ProfileSession,
  ProfileSessionSummary,
  ProfileSource
} from '../../../shared/contract/profile'
import { api } from '../api'
import { useAppStore } from './app'
import { guardedBy, reported } from '../composables/reported'
import { useProjectStore } from './project'

/** Inferences kept in the renderer for the live charts; older ones stay in the service's session. */
const LIVE_KEEP = 20_000

/**
 * The Profile step: the running session (fed by batched 'profile.live' events), the saved sessions
 * of the open project, the one being looked at, and the comparison of the selected ones.
 */
export const useProfileStore = defineStore('profile', () => {
  const live = ref<ProfileLiveUpdate | null>(null)
  /** All inferences of the live session so far (capped), for the stacked bars and the timeline. */
  const liveSamples = shallowRef<ProfileSample[]>([])
  const sessions = ref<ProfileSessionSummary[]>([])
  /** Session files that cannot be read, with why: shown beside the list with Delete, never left out in silence. */
  const damaged = ref<DamagedSession[]>([])
  const viewed = shallowRef<ProfileSession | null>(null)
  const selected = ref<string[]>([])
  const comparison = ref<ProfileComparison | null>(null)
  const busy = ref(false)
  /** Whether `sessions` is the open project's list yet: shown as "reading" (or "unreadable"), never as "no sessions". */
  const listed = ref<'reading' | 'read' | 'unreadable'>('reading')
  /** Sessions whose delete is on its way: their Delete is disabled, so a double click sends one remove, not a second that finds nothing. */
  const removing = ref<string[]>([])
  let unsubscribe: (() => void) | null = null
  let projectDir: string | null = null
  /** Whose sessions the store holds; kept when the step closes, so coming back shows them at once. */
  let heldDir: string | null = null

  const running = computed(() => live.value !== null && (live.value.state === 'running' || live.value.state === 'starting'))

  function onLive(u: ProfileLiveUpdate): void {
    if (u.dir !== projectDir) return
    if (!live.value || live.value.sessionId !== u.sessionId) liveSamples.value = []
    live.value = u
    if (u.samples.length) {
      const next = liveSamples.value.concat(u.samples)
      liveSamples.value = next.length > LIVE_KEEP ? next.slice(next.length - LIVE_KEEP) : next
    }
    if (u.state === 'stopped' || u.state === 'failed') {
      if (u.error) useAppStore().reportError(u.error)
      // Saved, but its lineage record is damaged: the sidebar names the file too.
      if (u.warning) useAppStore().notify('error', u.warning)
      void refresh().then(() => {
        if (u.savedId) void view(u.savedId)
      })
      // A saved session completes the Profile step.
      if (u.savedId) void useProjectStore().refresh()
    }
  }

  // `busy` is a start or stop in progress: it disables Start and shows "Compiling…". Reading the
  // live state, the saved sessions and one session, and deleting a saved one, do not make the store
  // busy, so Start stays usable (and no "Compiling…" shows) while a list loads or a file is deleted.
  const guarded = guardedBy(busy)

  /** Another project: nothing of the last one is shown (its live run, sessions, the one viewed) while this one's are read. */
  function forget(): void {
    live.value = null
    liveSamples.value = []
    sessions.value = []
    damaged.value = []
    viewed.value = null
    selected.value = []
    comparison.value = null
    listed.value = 'reading'
  }

  async function open(dir: string): Promise<void> {
    projectDir = dir
    if (heldDir !== dir) forget()
    heldDir = dir
    unsubscribe ??= api.on('profile.live', onLive)
    const runs = await reported(() => api.profile.live())
    const mine = runs?.find((r) => r.dir === dir)
    if (mine && dir === heldDir) live.value = mine
    // The run ended while the step was closed (its events were not listened to): a state kept as
    // running would leave Start disabled and Stop shown. Only when the list was read: a failed read says nothing.
    else if (runs && dir === heldDir && projectDir === dir && running.value) {
      live.value = null
      liveSamples.value = []
    }
    await refresh()
  }

  function close(): void {
    unsubscribe?.()
    unsubscribe = null
    projectDir = null
  }

  async function refresh(): Promise<void> {
    if (!projectDir) return
    const dir = projectDir
    const saved = await reported(() => api.profile.saved(dir))
    // Another project opened meanwhile: this list is not its.
    if (dir !== heldDir) return
    if (!saved) {
      if (listed.value === 'reading') listed.value = 'unreadable'
      return
    }
    listed.value = 'read'
    sessions.value = saved.sessions
    damaged.value = saved.damaged
    selected.value = selected.value.filter((id) => saved.sessions.some((s) => s.id === id))
  }

  async function start(source: ProfileSource, options: ProfileOptions): Promise<boolean> {
    if (!projectDir) return false
    const dir = projectDir
    liveSamples.value = []
    viewed.value = null
    const r = await guarded(() => api.profile.start(dir, source, options))
    return !!r
  }

  async function stop(): Promise<void> {
    const id = live.value?.sessionId
    if (!id) return
    await guarded(() => api.profile.stop(id))
  }

  async function view(id: string): Promise<void> {
    if (!projectDir) return
    const dir = projectDir
    const s = await reported(() => api.profile.get(dir, id))
    if (s && dir === heldDir) viewed.value = s
  }

  async function remove(id: string): Promise<void> {
    if (!projectDir || removing.value.includes(id)) return
    const dir = projectDir
    removing.value = [...removing.value, id]
    let removed: Awaited<ReturnType<typeof api.profile.remove>> | undefined
    try {
      removed = await reported(() => api.profile.remove(dir, id))
    } finally {
      removing.value = removing.value.filter((r) => r !== id)
    }
    if (removed?.warning) useAppStore().notify('error', removed.warning)
    if (viewed.value?.id === id) viewed.value = null
    await refresh()
  }

  async function compare(): Promise<void> {
    if (!projectDir || selected.value.length === 0) return
    const dir = projectDir
    const ids = [...selected.value]
    const c = await reported(() => api.profile.compare(dir, ids))
    if (c && dir === heldDir) comparison.value = c
  }

  async function csv(id: string): Promise<{ fileName: string; csv: string } | undefined> {
    if (!projectDir) return undefined
    const dir = projectDir
    return reported(() => api.profile.exportCsv(dir, id))
  }

  return { live, liveSamples, sessions, damaged, viewed, selected, comparison, busy, listed, removing, running, open, close, refresh, start, stop, view, remove, compare, csv }
})
