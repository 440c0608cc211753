import type { Component } from 'vue'
import type { StepId } from '../../../shared/steps'

/**
 * The view of each step. A step without an entry shows StepOverview (its state and what it needs).
 * Each step's view is loaded on demand so a heavy one (charts) does not slow the first paint.
 */
export const stepViews: Partial<Record<StepId, () => Promise<Component>>> = {
  connect: () => import('./ConnectView.vue').then((m) => m.default),
  capture: () => import('./CaptureView.vue').then((m) => m.default),
  train: () => import('./TrainView.vue').then((m) => m.default),
  optimize: () => import('./OptimizeView.vue').then((m) => m.default),
  deploy: () => import('./DeployView.vue').then((m) => m.default),
  profile: () => import('./ProfileView.vue').then((m) => m.default)
}
