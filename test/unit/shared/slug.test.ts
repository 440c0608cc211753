import { describe, expect, it } from 'vitest'
import { folderSlug, transliterate } from '../../../src/shared/slug'

describe('project folder names', () => {
  it('transliterate letters instead of dropping them', () => {
    expect(folderSlug('Wrist gestures Übung 1')).toBe('Wrist-gestures-Uebung-1')
    expect(folderSlug('Gesten für Oma')).toBe('Gesten-fuer-Oma')
    expect(folderSlug('Café crème')).toBe('Cafe-creme')
    expect(folderSlug('Straße / Ørsted')).toBe('Strasse-Orsted')
    expect(transliterate('Łódź')).toBe('Lodz')
  })

  it('keep other scripts, never produce an empty or dotted name', () => {
    expect(folderSlug('ジェスチャー')).toBe('ジェスチャー')
    expect(folderSlug('  ...  ')).toBe('project')
    expect(folderSlug('../etc')).toBe('etc')
  })
})
