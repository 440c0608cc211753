import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import type { SystemInfo } from '../../../shared/contract/system'
import type { JobUpdate } from '../../../shared/contract/jobs'
import { describeError, toErrorData } from '../../../shared/errors'
import { api } from '../api'
import { CONNECTION_LOST } from '../api/websocket'

export type Theme = 'light' | 'dark'

export interface Toast {
  id: number
  kind: 'error' | 'info'
  text: string
}

/** App-wide state: system info, theme, running jobs and messages for the user. */
export const useAppStore = defineStore('app', () => {
  const system = ref<SystemInfo | null>(null)
  const stored = localStorage.getItem('microforge.theme')
  const theme = ref<Theme>(stored === 'dark' || stored === 'light' ? stored : matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light')
  const jobs = ref<Record<string, JobUpdate>>({})
  const toasts = ref<Toast[]>([])
  const deviceLabel = ref('No board connected')
  let nextToast = 1

  watch(
    theme,
    (t) => {
      document.documentElement.dataset.theme = t
      localStorage.setItem('microforge.theme', t)
    },
    { immediate: true }
  )

  function toggleTheme(): void {
    theme.value = theme.value === 'dark' ? 'light' : 'dark'
  }

  function notify(kind: Toast['kind'], text: string): void {
    // The same message twice (several calls failing alike) is one toast.
    if (toasts.value.some((t) => t.kind === kind && t.text === text)) return
    const id = nextToast++
    toasts.value.push({ id, kind, text })
    setTimeout(() => dismiss(id), kind === 'error' ? 12_000 : 5_000)
  }

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((t) => t.id !== id)
  }

  /** Shows any thrown error as the message-plus-next-step the services produce. */
  function reportError(err: unknown): void {
    const data = toErrorData(err)
    // A dropped connection is shown once, in the status bar, while it reconnects: not per call.
    if (data.message === CONNECTION_LOST.message) return
    notify('error', describeError(data))
  }

  async function init(): Promise<void> {
    api.on('jobs.update', (u) => {
      jobs.value = { ...jobs.value, [u.jobId]: u }
    })
    // Jobs started before this window opened (another tab, a reload): their state and settings.
    try {
      const known = await api.jobs.list()
      jobs.value = { ...Object.fromEntries(known.map((j) => [j.jobId, j])), ...jobs.value }
    } catch (err) {
      reportError(err)
    }
    try {
      system.value = await api.system.info()
    } catch (err) {
      reportError(err)
    }
  }

  return { system, theme, jobs, toasts, deviceLabel, toggleTheme, notify, dismiss, reportError, init }
})
