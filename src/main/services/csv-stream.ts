import { createReadStream, promises as fs } from 'node:fs'
import { wrapFsError } from '../storage/atomic-fs'

/**
 * Large CSV files read as a stream of lines (issue #17: a 207 MB CSV peaked at 2.45 GB when it was
 * read whole, split into lines and cells). The import reads each file twice this way (see
 * import-readers.ts) and keeps no more than one recording's numbers.
 */
export const HEAD_BYTES = 256 * 1024

/** The file's first 256 KB as text, and whether that is all of it. */
export async function readHead(file: string): Promise<{ text: string; whole: boolean }> {
  let h
  try {
    h = await fs.open(file, 'r')
    const buf = Buffer.alloc(HEAD_BYTES + 1)
    const { bytesRead } = await h.read(buf, 0, buf.length, 0)
    return { text: buf.subarray(0, Math.min(bytesRead, HEAD_BYTES)).toString('utf8'), whole: bytesRead <= HEAD_BYTES }
  } catch (err) {
    throw wrapFsError(err, file, 'read')
  } finally {
    await h?.close()
  }
}

/** Text read at a time: small, so the lines of one piece die young instead of filling the old heap. */
const PIECE = 64 * 1024

/**
 * The lines of a file (without their endings: \r\n, \n or \r, as readline splits them), a batch per
 * piece read, so the caller handles each line without a promise per line and memory holds one
 * piece's lines at a time.
 */
export async function* lineBatches(file: string): AsyncGenerator<string[]> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: PIECE })
  let rest = ''
  /** The piece before ended in \r: a \n starting this one belongs to that line ending. */
  let skipLf = false
  try {
    for await (const piece of stream as AsyncIterable<string>) {
      let text = rest + piece
      if (skipLf && text.charCodeAt(0) === 10) text = text.slice(1)
      skipLf = false
      const lines: string[] = []
      let start = 0
      if (text.indexOf('\r') < 0) {
        for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', start)) {
          lines.push(text.slice(start, i))
          start = i + 1
        }
      } else {
        for (let i = 0; i < text.length; i++) {
          const c = text.charCodeAt(i)
          if (c !== 10 && c !== 13) continue
          lines.push(text.slice(start, i))
          if (c === 13) {
            if (i + 1 === text.length) skipLf = true
            else if (text.charCodeAt(i + 1) === 10) i++
          }
          start = i + 1
        }
      }
      rest = text.slice(start)
      if (lines.length > 0) yield lines
    }
    if (rest !== '') yield [rest]
  } catch (err) {
    throw wrapFsError(err, file, 'read')
  } finally {
    stream.destroy()
  }
}

/** Each line of a file to `onLine`, in order; it returns true to stop reading. */
export async function eachLine(file: string, onLine: (line: string) => boolean | void): Promise<void> {
  for await (const lines of lineBatches(file)) {
    for (const line of lines) if (onLine(line) === true) return
  }
}

/** Whether a blank line stands between lines of samples anywhere in the file (the IMU_Capture layout). */
export async function blankLineBetweenSamples(file: string): Promise<boolean> {
  let seenSample = false
  let blankAfterSample = false
  let found = false
  await eachLine(file, (line) => {
    if (line.trim() === '') blankAfterSample = seenSample
    else if (blankAfterSample) return (found = true)
    else seenSample = true
  })
  return found
}
