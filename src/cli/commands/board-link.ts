import { lstat, rm, symlink } from 'node:fs/promises'
import { MicroforgeError } from '../../shared/errors'
import type { CliContext } from '../command'

/**
 * The virtual board's port lives where the services put it; the user's --link is a symlink to it,
 * made here by the CLI so the services never create or delete a path a client names. Only a
 * symlink is replaced; returns the function that removes it again.
 */
export async function linkPort(port: string, link: string): Promise<() => Promise<void>> {
  const existing = await lstat(link).catch(() => null)
  if (existing && !existing.isSymbolicLink()) {
    throw new MicroforgeError('INVALID_ARGUMENT', `${link} already exists and is not a link.`, 'Choose another --link path.')
  }
  if (existing) await rm(link, { force: true })
  await symlink(port, link)
  return () => rm(link, { force: true })
}

/** Resolves 'interrupt' on Ctrl+C, 'exit' once the services report the board at `port` gone. */
export async function untilBoardEnds(ctx: CliContext, port: string, pollMs = 100): Promise<'interrupt' | 'exit'> {
  let done = false
  const exited = (async () => {
    while (!done) {
      const status = await ctx.api.sim.status()
      if (status?.path !== port) return 'exit' as const
      await new Promise((r) => setTimeout(r, pollMs))
    }
    return 'exit' as const
  })()
  try {
    return await Promise.race([ctx.interrupted.then(() => 'interrupt' as const), exited])
  } finally {
    done = true
  }
}
