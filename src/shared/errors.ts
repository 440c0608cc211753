/**
 * Errors a user can meet. Each carries a message a hobbyist understands and a next step.
 * They cross every transport as plain data ({ code, message, hint }) and are rebuilt on the other side.
 */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'PATH_REFUSED'
  | 'PROJECT_LOCKED'
  | 'ALREADY_EXISTS'
  | 'PROJECT_CORRUPT'
  | 'PROJECT_TOO_NEW'
  | 'IO_ERROR'
  | 'DISK_FULL'
  | 'DEVICE_ERROR'
  | 'DEVICE_DISCONNECTED'
  | 'PARSE_ERROR'
  | 'MODEL_ERROR'
  | 'UNSUPPORTED'
  | 'CANCELLED'
  | 'TIMEOUT'
  | 'INTERNAL'

export interface ErrorData {
  code: ErrorCode
  message: string
  hint?: string
}

export class MicroforgeError extends Error {
  readonly code: ErrorCode
  readonly hint?: string

  constructor(code: ErrorCode, message: string, hint?: string) {
    super(message)
    this.name = 'MicroforgeError'
    this.code = code
    this.hint = hint
  }

  toData(): ErrorData {
    return this.hint === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, hint: this.hint }
  }

  static fromData(data: ErrorData): MicroforgeError {
    return new MicroforgeError(data.code, data.message, data.hint)
  }
}

/** Turns anything thrown into transportable error data, keeping typed errors as they are. */
export function toErrorData(err: unknown): ErrorData {
  if (err instanceof MicroforgeError) return err.toData()
  const e = err as NodeLikeError
  if (e && typeof e === 'object' && typeof e.code === 'string') {
    if (e.code === 'ENOSPC') {
      return { code: 'DISK_FULL', message: 'The disk is full.', hint: 'Free some space and try again; nothing already saved was lost.' }
    }
    if (e.code === 'EACCES' || e.code === 'EPERM') {
      return { code: 'IO_ERROR', message: `Permission denied: ${e.path ?? ''}`.trim(), hint: 'Choose a folder you can write to.' }
    }
  }
  const message = err instanceof Error ? err.message : String(err)
  return { code: 'INTERNAL', message }
}

interface NodeLikeError {
  code?: unknown
  path?: string
}

/** What was thrown, as a clause to go inside a sentence: its message, trimmed, without the closing full stop. */
export function errorClause(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).trim().replace(/\.$/, '')
}

/** Human sentence for an error: the message and, when there is one, the next step. */
export function describeError(e: ErrorData): string {
  return e.hint ? `${e.message} ${e.hint}` : e.message
}
