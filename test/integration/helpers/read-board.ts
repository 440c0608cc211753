/**
 * Reads a (virtual) board's serial link to its end: opens it at 115200 baud, collects every line,
 * resolves with them when the link closes and rejects if it cannot be opened.
 */
import { openSerialLines } from '../../../src/main/services/profile-serial-source'

export async function readBoard(link: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const lines: string[] = []
    openSerialLines(link, 115200, { line: (l) => lines.push(l), end: () => resolve(lines) }).catch(reject)
  })
}
