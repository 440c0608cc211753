import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ProjectPatch, ProjectSummary, RecentProject } from '../../../shared/contract/project'
import type { StepId } from '../../../shared/steps'
import { api } from '../api'
import { guardedBy, reported } from '../composables/reported'

const LAST_PROJECT = 'microforge.lastProject'
const LAST_STEP = 'microforge.lastStep'
const LAST_FIRMWARE = 'microforge.lastFirmware:'

/** What Deploy last generated for a project: Profile starts from it (variant, board, baud). */
export interface FirmwareChoice {
  variant: string
  target: string
  mode: string
  baud: number
}

/** The open project and the recent list. The last project and step are reopened after a reload. */
export const useProjectStore = defineStore('project', () => {
  const current = ref<ProjectSummary | null>(null)
  const recent = ref<RecentProject[]>([])
  /** Whether `recent` has been read yet: "No recent projects" only once it has. */
  const recentState = ref<'reading' | 'read' | 'unreadable'>('reading')
  const busy = ref(false)
  /** The folder of the last project while it is reopened (after a reload): the picker waits, or it would show and then vanish. */
  const restoring = ref<string | null>(localStorage.getItem(LAST_PROJECT))
  const step = ref<StepId>((localStorage.getItem(LAST_STEP) as StepId | null) ?? 'connect')

  const dir = computed(() => current.value?.dir ?? null)
  /** The user created, opened or left a project since the page loaded: restore() leaves their choice alone. */
  let chosen = false

  const guarded = guardedBy(busy)

  function setCurrent(s: ProjectSummary): void {
    chosen = true
    current.value = s
    localStorage.setItem(LAST_PROJECT, s.dir)
  }

  function rememberFirmware(f: FirmwareChoice): void {
    if (dir.value) localStorage.setItem(LAST_FIRMWARE + dir.value, JSON.stringify(f))
  }

  function lastFirmware(): FirmwareChoice | null {
    if (!dir.value) return null
    try {
      const f = JSON.parse(localStorage.getItem(LAST_FIRMWARE + dir.value) ?? 'null') as FirmwareChoice | null
      return f && typeof f.variant === 'string' && typeof f.target === 'string' && typeof f.baud === 'number' ? f : null
    } catch {
      return null
    }
  }

  // Reading the recent list does not make the store busy: the create and open forms stay usable
  // while it loads (a disabled default button would swallow the user's Enter without a word).
  async function loadRecent(): Promise<void> {
    const r = await reported(() => api.project.recent())
    if (r) recent.value = r
    if (recentState.value !== 'read') recentState.value = r ? 'read' : 'unreadable'
  }

  async function create(folder: string, name: string): Promise<boolean> {
    const s = await guarded(() => api.project.create(folder, name))
    if (s) {
      setCurrent(s)
      goTo('connect')
    }
    return !!s
  }

  async function open(folder: string): Promise<boolean> {
    const s = await guarded(() => api.project.open(folder))
    if (s) setCurrent(s)
    return !!s
  }

  async function update(patch: ProjectPatch): Promise<void> {
    if (!current.value) return
    const d = current.value.dir
    const s = await guarded(() => api.project.update(d, patch))
    if (s) current.value = s
  }

  /**
   * Re-reads the project after another step changed it (samples, models, firmware). Not busy: the
   * signal settings and the picker stay usable while it reads.
   */
  async function refresh(): Promise<void> {
    if (!current.value) return
    const d = current.value.dir
    const s = await reported(() => api.project.open(d))
    // Another project opened (or the picker shown) meanwhile: this reply is not the open one's.
    if (s && current.value?.dir === d) current.value = s
  }

  function close(): void {
    chosen = true
    current.value = null
    localStorage.removeItem(LAST_PROJECT)
    void loadRecent()
  }

  /**
   * Reopens the project that was open when the page loaded. A user who created, opened or left a
   * project before this ran (the app was still starting on a busy computer) keeps their choice: the
   * folder is the one of the page load, not one chosen since, and a reply after their choice is dropped.
   */
  async function restore(): Promise<void> {
    const last = restoring.value
    if (last && !chosen) {
      try {
        const s = await api.project.open(last)
        if (!chosen) setCurrent(s)
        return
      } catch {
        if (!chosen) localStorage.removeItem(LAST_PROJECT)
      } finally {
        restoring.value = null
      }
    }
    restoring.value = null
    if (!current.value) await loadRecent()
  }

  /** What Optimize recommended, for Deploy to start from once (then forgotten). */
  const deploySuggestion = ref<{ variant: string; target: string } | null>(null)
  function suggestDeploy(s: { variant: string; target: string }): void {
    deploySuggestion.value = s
  }
  function takeDeploySuggestion(): { variant: string; target: string } | null {
    const s = deploySuggestion.value
    deploySuggestion.value = null
    return s
  }

  function goTo(id: StepId): void {
    step.value = id
    localStorage.setItem(LAST_STEP, id)
  }

  return { current, recent, recentState, busy, restoring, step, dir, loadRecent, create, open, update, refresh, close, restore, goTo, rememberFirmware, lastFirmware, suggestDeploy, takeDeploySuggestion }
})
