import { argSchemaFor, type Api } from '../../shared/contract'
import { toErrorData, type ErrorData } from '../../shared/errors'
import type { RpcRequest, RpcResponse, RpcSubscription } from '../../shared/rpc'
import type { PathPolicy } from './path-policy'

/**
 * Server side of every transport: checks that the method is in the contract, validates the
 * arguments against its schema, calls the service and turns any throw into error data.
 */
export class RpcHost {
  /** policy: where clients may make the services read and write (none for the CLI). */
  constructor(
    private readonly services: Api,
    private readonly policy: PathPolicy | null = null
  ) {}

  async call(method: string, args: unknown): Promise<{ ok: true; result: unknown } | { ok: false; error: ErrorData }> {
    const schema = argSchemaFor(method)
    if (!schema) {
      return { ok: false, error: { code: 'INVALID_ARGUMENT', message: `Unknown method "${String(method).slice(0, 100)}".` } }
    }
    const parsed = schema.safeParse(args)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const where = issue && issue.path.length ? ` at argument ${issue.path.join('.')}` : ''
      return {
        ok: false,
        error: { code: 'INVALID_ARGUMENT', message: `Invalid arguments for ${method}${where}: ${issue?.message ?? 'invalid'}.` }
      }
    }
    const [service, name] = method.split('.') as [keyof Api, string]
    const impl = this.services[service] as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>
    try {
      if (this.policy) await this.policy.check(method, parsed.data)
      const result = await impl[name](...parsed.data)
      return { ok: true, result: result === undefined ? null : result }
    } catch (err) {
      return { ok: false, error: toErrorData(err) }
    }
  }

  async handle(req: RpcRequest): Promise<RpcResponse> {
    const r = await this.call(req.method, req.args)
    return r.ok ? { type: 'response', id: req.id, ok: true, result: r.result } : { type: 'response', id: req.id, ok: false, error: r.error }
  }
}

/** Checks the outer shape of an untrusted message before it reaches the host. */
export function parseRequest(raw: unknown): RpcRequest | null {
  if (!raw || typeof raw !== 'object') return null
  const r = raw as Record<string, unknown>
  if (r.type !== 'request' || typeof r.id !== 'number' || !Number.isSafeInteger(r.id)) return null
  if (typeof r.method !== 'string' || r.method.length > 200 || !Array.isArray(r.args)) return null
  return { type: 'request', id: r.id, method: r.method, args: r.args }
}

/** Checks the outer shape of an untrusted subscribe/unsubscribe message (the name is checked on use). */
export function parseSubscription(raw: unknown): RpcSubscription | null {
  if (!raw || typeof raw !== 'object') return null
  const r = raw as Record<string, unknown>
  if ((r.type !== 'subscribe' && r.type !== 'unsubscribe') || typeof r.event !== 'string' || r.event.length > 200) return null
  return { type: r.type, event: r.event }
}
