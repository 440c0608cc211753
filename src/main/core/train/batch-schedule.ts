import { MicroforgeError } from '../../../shared/errors'
import { shuffleInPlace } from './rng'

/**
 * One epoch of the mini-batch schedule that training and fine-tuning share: the window order is
 * reshuffled in place with the seeded `random`, then handed out in batches of indices. Cancellation
 * is checked before each batch, so a cancel stops within one step.
 */
export function* epochBatches(order: number[], random: () => number, batchSize: number, cancelled: () => boolean, cancelMessage: string): Generator<number[], void, undefined> {
  shuffleInPlace(order, random)
  for (let i = 0; i < order.length; i += batchSize) {
    if (cancelled()) throw new MicroforgeError('CANCELLED', cancelMessage)
    yield order.slice(i, i + batchSize)
  }
}
