/**
 * The default name of a generated firmware project: Deploy's folder (or zip) under the project's
 * firmware/, the Deploy view's placeholder, and what Profile reads the variant back from. The
 * runtime is part of a model firmware's name, so the C-runtime and TFLM projects of one variant,
 * board and mode sit side by side instead of one replacing the other. Capture firmware runs no
 * model, so its name has no runtime.
 */
import { BOARDS, type FirmwareMode, type RuntimeId, type TargetId } from './boards'

export interface FirmwareNameParts {
  /** null for capture firmware. */
  variant: string | null
  target: TargetId
  runtime: RuntimeId
  mode: FirmwareMode
}

/** <variant>_<board>_<runtime>_<mode>, or capture_<board>_capture. */
export function defaultFirmwareName(p: FirmwareNameParts): string {
  if (p.mode === 'capture' || p.variant === null) return `capture_${p.target}_capture`
  return `${p.variant}_${p.target}_${p.runtime}_${p.mode}`
}

const BOARD_IDS = Object.keys(BOARDS).join('|')
// Names from before the runtime was part of them (<variant>_<board>_<mode>) still parse, runtime null.
const NAME = new RegExp(`^(.+)_(${BOARD_IDS})_(?:(c|tflm)_)?(capture|classify|profile)$`)

/** The parts of a default name; null when the name is the user's own. */
export function parseFirmwareName(name: string): { variant: string; target: TargetId; runtime: RuntimeId | null; mode: FirmwareMode } | null {
  const m = NAME.exec(name)
  if (!m) return null
  return { variant: m[1], target: m[2] as TargetId, runtime: (m[3] as RuntimeId | undefined) ?? null, mode: m[4] as FirmwareMode }
}
