import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef, watch } from 'vue'
import type { WindowSummary } from '../../../shared/contract/dataset'
import type { SampleWindow } from '../../../shared/dataset'
import { CLASS_PALETTE, type ClassDef } from '../../../shared/project-schema'
import { api } from '../api'
import { reported } from '../composables/reported'
import { useAppStore } from './app'
import { useProjectStore } from './project'
import { formatNoun, MISSING } from '../../../shared/format'

export interface ClassCount {
  train: number
  test: number
  total: number
}

/**
 * The open project's dataset as Capture shows it: the windows, their values (fetched as rows
 * appear, not reactive per sample), the classes, the split and delete-with-undo.
 */
export const useDatasetStore = defineStore('dataset', () => {
  const app = useAppStore()
  const project = useProjectStore()

  const dir = computed(() => project.current?.dir ?? '')
  const classes = computed<ClassDef[]>(() => project.current?.project.classes ?? [])

  const windows = shallowRef<WindowSummary[]>([])
  /** Window files that cannot be read, with the reason (the list carries them; they are not windows). */
  const damaged = shallowRef<WindowSummary[]>([])
  const loading = ref(false)
  /** Whether `windows` is the open project's list yet: counts are shown only once it is, never a 0 that is not known. */
  const windowsState = ref<'reading' | 'read' | 'unreadable'>('reading')
  const selectedId = ref<string | null>(null)
  const filter = ref('')
  const shown = ref(60)
  const values = shallowRef(new Map<string, SampleWindow>())
  /** The class Record records next; follows renames and deletes. */
  const recordLabel = ref('')
  const undo = shallowRef<{ token: string; text: string; cls?: ClassDef } | null>(null)
  const testFraction = ref(0.2)
  const seed = ref(1234)
  const splitting = ref(false)
  let fetching = false
  const fetchQueue: string[] = []

  const listed = computed(() => {
    const all = [...windows.value].reverse()
    return filter.value ? all.filter((w) => w.label === filter.value) : all
  })
  const visible = computed(() => listed.value.slice(0, shown.value))
  const selected = computed(() => (selectedId.value ? (values.value.get(selectedId.value) ?? null) : null))
  const selectedSummary = computed(() => windows.value.find((w) => w.id === selectedId.value) ?? null)

  const counts = computed(() => {
    const out: Record<string, ClassCount> = {}
    for (const c of classes.value) out[c.name] = { train: 0, test: 0, total: 0 }
    for (const w of windows.value) {
      const c = (out[w.label] ??= { train: 0, test: 0, total: 0 })
      c[w.split]++
      c.total++
    }
    return out
  })
  const total = computed(() => windows.value.length)
  const testTotal = computed(() => windows.value.filter((w) => w.split === 'test').length)
  const balance = computed(() => {
    const entries = Object.entries(counts.value).filter(([, c]) => c.total > 0)
    const max = Math.max(0, ...entries.map(([, c]) => c.total))
    const min = Math.min(...entries.map(([, c]) => c.total))
    return { entries, unbalanced: entries.length >= 2 && min * 2 < max }
  })

  /** A window count as shown: "…" while the list is read, "—" when it could not be read (never a 0 that is not known). */
  function countText(n: number): string {
    if (windowsState.value === 'read') return String(n)
    return windowsState.value === 'reading' ? '…' : MISSING
  }

  function colorOf(label: string): string {
    return classes.value.find((c) => c.name === label)?.color ?? '#888888'
  }

  async function reload(): Promise<void> {
    const d = dir.value
    if (!d) return
    const list = await reported(() => api.dataset.list(d), loading)
    // Another project opened meanwhile: this list is not its.
    if (d !== dir.value) return
    if (!list) {
      if (windowsState.value === 'reading') windowsState.value = 'unreadable'
      return
    }
    windowsState.value = 'read'
    windows.value = list.filter((w) => !w.damaged)
    damaged.value = list.filter((w) => !!w.damaged)
    if (selectedId.value && !list.some((w) => w.id === selectedId.value)) selectedId.value = null
    queueValues(visible.value.map((w) => w.id))
  }

  function queueValues(ids: string[]): void {
    for (const id of ids) if (!values.value.has(id) && !fetchQueue.includes(id)) fetchQueue.push(id)
    void drainQueue()
  }

  async function drainQueue(): Promise<void> {
    if (fetching || !dir.value) return
    fetching = true
    try {
      let batch = 0
      while (fetchQueue.length) {
        const id = fetchQueue.shift() as string
        try {
          values.value.set(id, await api.dataset.get(dir.value, id))
        } catch {
          // Deleted meanwhile: the next reload drops its row.
        }
        // Redraw in groups so a long list fills in without one render per window.
        if (++batch % 8 === 0 || fetchQueue.length === 0) triggerRef(values)
      }
    } finally {
      fetching = false
    }
  }

  watch(visible, (v) => queueValues(v.map((w) => w.id)))

  // Another project: none of the last one's windows, values, selection or undo is shown (or acted
  // on) while this one's list is read.
  watch(dir, () => {
    windows.value = []
    damaged.value = []
    values.value = new Map()
    fetchQueue.length = 0
    selectedId.value = null
    filter.value = ''
    undo.value = null
    windowsState.value = 'reading'
  })

  let reloadTimer: ReturnType<typeof setTimeout> | null = null
  function scheduleReload(): void {
    if (reloadTimer) clearTimeout(reloadTimer)
    reloadTimer = setTimeout(() => {
      reloadTimer = null
      void reload()
      void project.refresh()
    }, 150)
  }

  /** Reloads when this project's samples change on disk (a recording, another window, the CLI). */
  function watchChanges(): () => void {
    const off = api.on('dataset.changed', (c) => {
      if (c.project === dir.value) scheduleReload()
    })
    return () => {
      off()
      if (reloadTimer) clearTimeout(reloadTimer)
      reloadTimer = null
    }
  }

  async function saveClasses(next: ClassDef[]): Promise<void> {
    await project.update({ classes: next })
  }

  async function addClass(name: string): Promise<boolean> {
    if (classes.value.some((c) => c.name.toLowerCase() === name.toLowerCase())) {
      app.notify('error', `There is already a class called "${name}". Pick another name.`)
      return false
    }
    const used = new Set(classes.value.map((c) => c.color))
    const color = CLASS_PALETTE.find((c) => !used.has(c)) ?? CLASS_PALETTE[classes.value.length % CLASS_PALETTE.length]
    await saveClasses([...classes.value, { name, color }])
    if (!recordLabel.value) recordLabel.value = name
    return true
  }

  async function renameClass(old: string, name: string): Promise<void> {
    if (!name || name === old) return
    if (classes.value.some((c) => c.name === name)) {
      app.notify('error', `There is already a class called "${name}". To merge, relabel the windows instead.`)
      return
    }
    await saveClasses(classes.value.map((c) => (c.name === old ? { ...c, name } : c)))
    const ids = windows.value.filter((w) => w.label === old).map((w) => w.id)
    if (ids.length) await reported(() => api.dataset.relabel(dir.value, ids, name))
    if (recordLabel.value === old) recordLabel.value = name
    await reload()
  }

  async function recolor(name: string, color: string): Promise<void> {
    await saveClasses(classes.value.map((c) => (c.name === name ? { ...c, color } : c)))
  }

  async function deleteClass(name: string): Promise<void> {
    const ids = windows.value.filter((w) => w.label === name).map((w) => w.id)
    const cls = classes.value.find((c) => c.name === name)
    if (ids.length) await deleteWindows(ids, `class "${name}" and its ${formatNoun(ids.length, 'window')}`, cls)
    await saveClasses(classes.value.filter((c) => c.name !== name))
    if (recordLabel.value === name) recordLabel.value = classes.value[0]?.name ?? ''
  }

  async function relabel(w: WindowSummary, label: string): Promise<void> {
    await reported(() => api.dataset.relabel(dir.value, [w.id], label))
  }

  async function setSplit(w: WindowSummary, split: 'train' | 'test'): Promise<void> {
    await reported(() => api.dataset.setSplit(dir.value, [w.id], split))
  }

  async function deleteWindows(ids: string[], what: string, cls?: ClassDef): Promise<void> {
    const r = await reported(() => api.dataset.delete(dir.value, ids))
    if (!r) return
    undo.value = { token: r.undoToken, text: `Deleted ${what}.`, ...(cls ? { cls } : {}) }
    if (selectedId.value && ids.includes(selectedId.value)) selectNext()
    windows.value = windows.value.filter((w) => !ids.includes(w.id))
  }

  async function deleteSelected(): Promise<void> {
    const w = selectedSummary.value
    if (w) await deleteWindows([w.id], `1 "${w.label}" window`)
  }

  async function undoDelete(): Promise<void> {
    const u = undo.value
    if (!u) return
    undo.value = null
    await reported(async () => {
      if (u.cls && !classes.value.some((c) => c.name === u.cls?.name)) await saveClasses([...classes.value, u.cls])
      await api.dataset.undoDelete(dir.value, u.token)
    })
  }

  function selectNext(delta = 1): void {
    const list = visible.value
    if (!list.length) {
      selectedId.value = null
      return
    }
    const i = list.findIndex((w) => w.id === selectedId.value)
    const j = i < 0 ? 0 : Math.max(0, Math.min(list.length - 1, i + delta))
    selectedId.value = list[j === i && delta > 0 && i === list.length - 1 ? Math.max(0, i - 1) : j].id
  }

  async function autoSplit(): Promise<void> {
    await reported(async () => {
      await api.dataset.autoSplit(dir.value, testFraction.value, seed.value)
      await reload()
    }, splitting)
  }

  /** The split settings and the label to record for the project just opened. */
  function resetForProject(): void {
    const s = project.current?.project.settings ?? {}
    if (typeof s.testFraction === 'number') testFraction.value = s.testFraction
    if (typeof s.splitSeed === 'number') seed.value = s.splitSeed
    recordLabel.value = classes.value[0]?.name ?? ''
  }

  return {
    dir,
    classes,
    windows,
    damaged,
    loading,
    windowsState,
    selectedId,
    filter,
    shown,
    values,
    recordLabel,
    undo,
    testFraction,
    seed,
    splitting,
    listed,
    visible,
    selected,
    selectedSummary,
    counts,
    total,
    testTotal,
    balance,
    countText,
    colorOf,
    reload,
    scheduleReload,
    watchChanges,
    addClass,
    renameClass,
    recolor,
    deleteClass,
    relabel,
    setSplit,
    deleteWindows,
    deleteSelected,
    undoDelete,
    selectNext,
    autoSplit,
    resetForProject
  }
})
