import { gzipSync } from 'fflate'

/**
 * Bytes after gzip at the highest level: what an over-the-air update or a compressed download of
 * the .tflite costs. Pruned and clustered models only show their gain here, since int8 export
 * stores every weight, zero or not, in one byte. mtime 0 keeps the output reproducible.
 */
export function gzipBytes(data: Uint8Array): Uint8Array {
  return gzipSync(data, { level: 9, mtime: 0 })
}

export function gzipSize(data: Uint8Array): number {
  return gzipBytes(data).length
}
