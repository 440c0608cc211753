#!/usr/bin/env node
// The `microforge` command. Runs the TypeScript sources through tsx so a fresh clone needs no build.
import { register } from 'tsx/esm/api'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

register()
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const { runCli } = await import(pathToFileURL(join(root, 'src', 'cli', 'index.ts')).href)
const interrupted = new Promise((resolve) => process.once('SIGINT', resolve))
process.exitCode = await runCli(process.argv.slice(2), undefined, interrupted)
