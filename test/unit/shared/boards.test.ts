import { describe, expect, it } from 'vitest'
import { BOARDS, TARGET_IDS, boardTable } from '../../../src/shared/boards'
import boardsJson from '../../../src/shared/boards.json'

const copy = (): Record<string, Record<string, unknown>> => JSON.parse(JSON.stringify(boardsJson)) as Record<string, Record<string, unknown>>

describe('the board table', () => {
  it('reads every board from boards.json, filed under its own id', () => {
    expect(TARGET_IDS).toEqual(['nano33ble', 'esp32', 'pico', 'stm32f4'])
    for (const id of TARGET_IDS) expect(BOARDS[id].id).toBe(id)
    expect(BOARDS.nano33ble.flashBytes).toBe(983040)
    expect(BOARDS.esp32.projects[0]).toBe('platformio')
    expect(BOARDS.nano33ble.wiring).toBeNull()
  })

  it('refuses a record filed under another board id', () => {
    const table = copy()
    table.pico!.id = 'esp32'
    expect(() => boardTable(table)).toThrow(/files the board "esp32" under "pico"/)
  })

  it('refuses a table that leaves a board out', () => {
    const table = copy()
    delete table.stm32f4
    expect(() => boardTable(table)).toThrow(/stm32f4/)
  })

  it('refuses a mistyped fact and a field it does not know', () => {
    const negative = copy()
    negative.esp32!.flashBytes = -1
    expect(() => boardTable(negative)).toThrow(/flashBytes/)
    const extra = copy()
    extra.nano33ble!.flashKB = 960
    expect(() => boardTable(extra)).toThrow(/flashKB/)
    const project = copy()
    project.pico!.projects = ['make']
    expect(() => boardTable(project)).toThrow(/projects/)
  })
})
