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

  /** The system info read out (init's, or one asked for since), shared by whoever needs it meanwhile. */
  let systemRead: Promise<SystemInfo | null> | null = null
  function readSystem(): Promise<SystemInfo | null> {
    systemRead ??= api.system
      .info()
      .then(
        (info) => (system.value = info),
        (err: unknown) => {
          reportError(err)
          return null
        }
      )
      .finally(() => (systemRead = null))
    return systemRead
  }

  /**
   * The system info, waiting for the read out (init's) rather than sending another, and asking again
   * if an earlier read failed. Null when it cannot be read: the error has been reported.
   */
  async function ensureSystem(): Promise<SystemInfo | null> {
    return system.value ?? (await readSystem())
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
    await readSystem()
  }

  return { system, theme, jobs, toasts, deviceLabel, toggleTheme, notify, dismiss, reportError, init, ensureSystem }
})
