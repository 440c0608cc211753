/** Command-line options of a bench script (`npm run bench -- NAME --seed 3 --no-write`). */

/** The value after `--NAME`, or undefined. */
export function benchArg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}

/** Whether `--NAME` was given. */
export const benchFlag = (name: string): boolean => process.argv.includes(`--${name}`)
