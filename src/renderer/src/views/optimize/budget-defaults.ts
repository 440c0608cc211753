import { BOARDS, type TargetId } from '../../../../shared/boards'
import { formatBytes } from '../../../../shared/format'

export interface BoardBudget {
  flashKB: number
  ramKB: number
  /** Why these are not the board's totals that Deploy shows. */
  why: string
}

/**
 * The Optimize budget a board leaves to the model: its application flash and RAM (the figures
 * Deploy shows) less what an empty sketch on its core already uses.
 */
export function boardBudget(target: TargetId): BoardBudget {
  const b = BOARDS[target]
  const flashKB = Math.floor((b.flashBytes - b.frameworkFlashBytes) / 1024)
  const ramKB = Math.floor((b.ramBytes - b.frameworkRamBytes) / 1024)
  return {
    flashKB,
    ramKB,
    why: `${b.name}: ${formatBytes(b.flashBytes)} flash and ${formatBytes(b.ramBytes)} RAM, less ${formatBytes(b.frameworkFlashBytes)} and ${formatBytes(b.frameworkRamBytes)} that an empty sketch already uses.`
  }
}
