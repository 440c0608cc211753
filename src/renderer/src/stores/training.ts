import { defineStore } from 'pinia'
import { markRaw, ref } from 'vue'
import type { EpochMetrics } from '../../../shared/training'
import type { TrainDraft } from './train-draft'
import { api } from '../api'

export type { TrainDraft } from './train-draft'

function isEpoch(d: unknown): d is EpochMetrics {
  return !!d && typeof d === 'object' && typeof (d as EpochMetrics).epoch === 'number' && typeof (d as EpochMetrics).loss === 'number'
}

/**
 * The epochs of every training job seen since the app opened, so the curves survive leaving the
 * Train step and coming back. Each job update carries only its latest epoch; they are collected here.
 */
export const useTrainingStore = defineStore('training', () => {
  const histories = markRaw(new Map<string, EpochMetrics[]>())
  /** Bumped when any history grows; views watch it instead of the map. */
  const version = ref(0)
  let started = false

  function init(): void {
    if (started) return
    started = true
    api.on('jobs.update', (u) => {
      if (u.kind !== 'train' || !isEpoch(u.data)) return
      const h = histories.get(u.jobId) ?? []
      if (h.length === 0 || h[h.length - 1].epoch < u.data.epoch) {
        h.push(u.data)
        histories.set(u.jobId, h)
        version.value++
      }
    })
  }

  function history(jobId: string | null): EpochMetrics[] {
    return jobId ? [...(histories.get(jobId) ?? [])] : []
  }

  /** What the user set up in the Train step, kept per project while the app runs (leaving the step keeps it). */
  const drafts = markRaw(new Map<string, TrainDraft>())
  function saveDraft(dir: string, draft: TrainDraft): void {
    drafts.set(dir, JSON.parse(JSON.stringify(draft)) as TrainDraft)
  }
  function draft(dir: string): TrainDraft | null {
    return drafts.get(dir) ?? null
  }

  return { version, init, history, saveDraft, draft }
})
