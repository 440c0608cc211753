import { createReadStream, promises as fs } from 'node:fs'
import { createInterface } from 'node:readline'
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
    throw wrapFsError(err, file)
  } finally {
    await h?.close()
  }
}

/** Each line of a file (without its ending: \r\n, \n or \r), read in chunks. */
export async function* fileLines(file: string): AsyncGenerator<string> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })
  const rl = createInterface({ input: stream, crlfDelay: Infinity })
  try {
    for await (const line of rl) yield line
  } catch (err) {
    throw wrapFsError(err, file)
  } finally {
    rl.close()
    stream.destroy()
  }
}

/** Whether a blank line stands between lines of samples anywhere in the file (the IMU_Capture layout). */
export async function blankLineBetweenSamples(file: string): Promise<boolean> {
  let seenSample = false
  let blankAfterSample = false
  for await (const line of fileLines(file)) {
    if (line.trim() === '') blankAfterSample = seenSample
    else if (blankAfterSample) return true
    else seenSample = true
  }
  return false
}
