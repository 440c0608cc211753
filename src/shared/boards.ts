import { z } from 'zod'
import boardsJson from './boards.json'

/**
 * The boards Microforge generates firmware for. Flash and RAM are what the application may use
 * (after bootloader and reserved regions), so fit checks compare against these, not the chip's
 * datasheet totals. Framework numbers are the cost of an empty sketch/app on that core, measured
 * figures rounded up: the model and runtime must fit in what is left.
 */
const BOARD_IDS = ['nano33ble', 'esp32', 'pico', 'stm32f4'] as const
export type TargetId = (typeof BOARD_IDS)[number]
export type RuntimeId = 'tflm' | 'c'
export type FirmwareMode = 'capture' | 'classify' | 'profile'
export type ProjectKind = 'arduino' | 'platformio' | 'esp-idf'

export interface BoardInfo {
  id: TargetId
  name: string
  mcu: string
  core: string
  clockMHz: number
  /** Application flash in bytes. */
  flashBytes: number
  /** RAM available to the application in bytes. */
  ramBytes: number
  /** Empty-project cost on this core (Arduino/Mbed/ESP-IDF runtime, USB serial, I2C). */
  frameworkFlashBytes: number
  frameworkRamBytes: number
  /** Motion sensor the templates read. */
  sensor: string
  /** Project kinds offered, the first is the default. */
  projects: ProjectKind[]
  platformio: { platform: string; board: string; framework: string }
  /** Wiring for external sensors, shown in the README. */
  wiring: string | null
}

const bytes = z.number().int().positive()
const boardSchema = z.strictObject({
  id: z.enum(BOARD_IDS),
  name: z.string().min(1),
  mcu: z.string().min(1),
  core: z.string().min(1),
  clockMHz: z.number().positive(),
  flashBytes: bytes,
  ramBytes: bytes,
  frameworkFlashBytes: bytes,
  frameworkRamBytes: bytes,
  sensor: z.string().min(1),
  projects: z.array(z.enum(['arduino', 'platformio', 'esp-idf'])).min(1),
  platformio: z.strictObject({ platform: z.string().min(1), board: z.string().min(1), framework: z.string().min(1) }),
  wiring: z.string().min(1).nullable()
})

/**
 * Reads the board table (boards.json: the facts are data, one record a board). Every board id has its record,
 * filed under its own id, and every field is checked, so a mistyped fact stops the app at start-up with its path.
 */
export function boardTable(table: unknown): Record<TargetId, BoardInfo> {
  // A record keyed by an enum requires every key: a board left out fails the parse, named by its path.
  const records = z.record(z.enum(BOARD_IDS), boardSchema).parse(table)
  for (const id of BOARD_IDS) {
    const board = records[id]
    if (board.id !== id) throw new Error(`boards.json files the board "${board.id}" under "${id}".`)
  }
  return records as Record<TargetId, BoardInfo>
}

/**
 * Flash figures: Nano 33 BLE is 1 MB minus the 64 KB bootloader; ESP32 is the default "app" partition of a 4 MB
 * module; Pico is its 2 MB flash; the Black Pill its 512 KB.
 */
export const BOARDS: Record<TargetId, BoardInfo> = boardTable(boardsJson)

export const TARGET_IDS = Object.keys(BOARDS) as TargetId[]
