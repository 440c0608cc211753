/** Letters that do not decompose into a base letter plus accents, spelled as their languages do. */
const SPELLED: Record<string, string> = {
  ä: 'ae', ö: 'oe', ü: 'ue', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue', ß: 'ss', ẞ: 'SS',
  æ: 'ae', Æ: 'Ae', ø: 'o', Ø: 'O', å: 'a', Å: 'A', œ: 'oe', Œ: 'Oe',
  ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', ð: 'd', Ð: 'D', þ: 'th', Þ: 'Th', ı: 'i'
}

/** Latin letters with accents become plain letters (é -> e, Ü -> Ue); other scripts are kept. */
export function transliterate(text: string): string {
  return [...text.normalize('NFC')]
    .map((c) => {
      if (SPELLED[c]) return SPELLED[c]
      const d = c.normalize('NFKD')
      // Only Latin letters lose their accents; a Japanese ジ keeps its voicing mark.
      return /^[A-Za-z]/.test(d) ? d.replace(/\p{M}/gu, '') : c
    })
    .join('')
}

/**
 * A folder name from what the user typed: "Wrist gestures Übung 1" -> "Wrist-gestures-Uebung-1".
 * Letters of any script stay; spaces and punctuation become single dashes.
 */
export function folderSlug(name: string, fallback = 'project'): string {
  const s = transliterate(name.trim())
    .replace(/[^\p{L}\p{N}_.-]+/gu, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
  return s || fallback
}
