/**
 * What the profiling service reads lines from: a board's serial port, or the virtual board's
 * pseudo-terminal (profile-serial-source.ts, profile-virtual-source.ts).
 */
import type { ProfileRuntime, ProfileSource } from '../../shared/contract/profile'
import type { ErrorData } from '../../shared/errors'

/** Where lines come from: a serial port, or the virtual board's pseudo-terminal. */
export interface LineSourceHandle {
  /** The pseudo-terminal path, for the virtual board. */
  link?: string
  /** What ran the code, for host timings ("x86_64, gcc 12.2 -O2"). */
  hostDescription?: string
  /** Dataset windows the virtual board reads, in order (its `window:N` lines index this). */
  windowIds?: string[]
  /** The variant the firmware runs, when the source can tell (Deploy names folders <variant>_<board>_<mode>). */
  variant?: string
  /** The firmware folder the virtual board runs: its Deploy record says which model it was made from. */
  firmwareDir?: string
  /** The runtime the virtual board's firmware runs. */
  runtime?: ProfileRuntime
  close(): Promise<void>
}

export interface LineSink {
  line(text: string): void
  /** The source ended by itself (board unplugged, firmware exited); err says why when it failed. */
  end(err?: ErrorData): void
}

export interface ProfileLineSources {
  serial(port: string, baud: number, sink: LineSink): Promise<LineSourceHandle>
  /** Frees a port another service holds (the Connect step's connection) before profiling opens it. */
  release?(port: string): Promise<void>
  /** targetMHz: the chosen board's clock, for the emulator's instruction-count timing. */
  virtual?(dir: string, source: Extract<ProfileSource, { kind: 'virtual' }>, sink: LineSink, targetMHz?: number): Promise<LineSourceHandle>
}
