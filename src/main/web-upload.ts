/**
 * Browser mode's file upload: a page cannot hand the server a path on this computer, so files the
 * user picks or drops are sent here and written inside the project, under imports/<batch>/, where
 * the import (and the path policy) can read them. Only the page that holds the token may send,
 * only from this server's origin, only into a project folder, and only up to a size limit.
 */
import { createWriteStream, promises as fs } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import type { ErrorData } from '../shared/errors'
import { MAX_UPLOAD_BYTES, safeRelativePath, UPLOAD_BATCH } from '../shared/upload'
import type { PathPolicy } from './rpc/path-policy'

export interface UploadContext {
  policy: PathPolicy
  /** True when the request carries the current token and this server's origin. */
  authorised(req: IncomingMessage): boolean
}

function reply(res: ServerResponse, status: number, body: { path: string } | { error: ErrorData }): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }).end(JSON.stringify(body))
}

function header(req: IncomingMessage, name: string): string {
  const v = req.headers[name]
  return typeof v === 'string' ? decodeURIComponent(v) : ''
}

export async function handleUpload(req: IncomingMessage, res: ServerResponse, ctx: UploadContext): Promise<void> {
  if (req.method !== 'POST') return reply(res, 405, { error: { code: 'INVALID_ARGUMENT', message: 'Send files with POST.' } })
  if (!ctx.authorised(req)) {
    req.resume()
    return reply(res, 401, { error: { code: 'PATH_REFUSED', message: 'This page has no valid access token.', hint: 'Open the address `npm run web` printed.' } })
  }
  let project: string
  let rel: string
  try {
    project = await ctx.policy.project(header(req, 'x-microforge-project'))
    rel = safeRelativePath(header(req, 'x-microforge-path'))
  } catch (err) {
    req.resume()
    const e = err as { code?: string; message?: string; hint?: string }
    return reply(res, 400, { error: { code: 'INVALID_ARGUMENT', message: e.message ?? 'Bad upload.', ...(e.hint ? { hint: e.hint } : {}) } })
  }
  const batch = header(req, 'x-microforge-batch')
  if (!UPLOAD_BATCH.test(batch)) {
    req.resume()
    return reply(res, 400, { error: { code: 'INVALID_ARGUMENT', message: 'The upload names no batch.' } })
  }
  const declared = Number(req.headers['content-length'] ?? NaN)
  const tooBig = (): void =>
    reply(res, 413, { error: { code: 'INVALID_ARGUMENT', message: `${rel} is larger than ${MAX_UPLOAD_BYTES / (1024 * 1024)} MB, the most the browser can send.`, hint: 'Import it with the command line (microforge import PROJECT FILE), or split it into smaller files.' } })
  if (Number.isFinite(declared) && declared > MAX_UPLOAD_BYTES) {
    req.resume()
    return tooBig()
  }
  const target = join(project, 'imports', batch, ...rel.split('/'))
  const temp = `${target}.part`
  await fs.mkdir(join(target, '..'), { recursive: true })
  let received = 0
  const out = createWriteStream(temp, { flags: 'wx' })
  const ok = await new Promise<boolean>((resolve) => {
    req.on('data', (chunk: Buffer) => {
      received += chunk.length
      if (received > MAX_UPLOAD_BYTES) {
        req.unpipe(out)
        out.destroy()
        req.resume()
        resolve(false)
      }
    })
    out.on('error', () => resolve(false))
    out.on('finish', () => resolve(true))
    req.pipe(out)
  })
  if (!ok) {
    await fs.rm(temp, { force: true })
    return received > MAX_UPLOAD_BYTES ? tooBig() : reply(res, 500, { error: { code: 'IO_ERROR', message: `Could not save ${rel} in the project folder.`, hint: 'Check that the disk has space and the project folder is writable.' } })
  }
  await fs.rename(temp, target)
  reply(res, 200, { path: target })
}
