import { resolve } from 'node:path'
import type { DeployVariant } from '../../shared/contract/deploy'
import { defineCommand } from '../command'

/** The variants Deploy can build firmware from, as the Deploy step lists them: a damaged one with its problem. */
export const command = defineCommand('variants', 'PROJECT [--json]', 'List the model variants in PROJECT/models/variants that firmware can be generated from.', {
  positionals: [1, 1],
  async run(ctx, [dir]) {
    return ctx.api.deploy.variants(resolve(dir))
  },
  format(result) {
    const list = result as DeployVariant[]
    if (list.length === 0) return 'No variants yet. Next: microforge optimize PROJECT.'
    const width = Math.max(...list.map((v) => v.name.length))
    return list
      .map((v) =>
        v.problem
          ? `${v.name.padEnd(width)}  CANNOT BE DEPLOYED: ${v.problem}`
          : `${v.name.padEnd(width)}  ${v.precision}, ${(v.bytes / 1024).toFixed(1)} KB${v.indexProblem ? `, made from an unknown model: ${v.indexProblem}` : v.stale ? ', of an earlier model (optimize again)' : ''}`
      )
      .join('\n')
  }
})
