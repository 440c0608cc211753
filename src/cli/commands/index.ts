import type { CliCommand } from '../command'
import { command as exportCommand } from './export'
import { generate } from './generate'
import { command as importCommand } from './import'
import { command as inspect } from './inspect'
import { command as optimize } from './optimize'
import { profileCommands } from './profile'
import { projectCreate, projectInfo, projectSet } from './project'
import { command as run } from './run'
import { command as simBoard } from './sim-board'
import { command as train } from './train'
import { command as variants } from './variants'

/** Every command of the `microforge` CLI. Add a command: export it from its file, list it here. */
export const commands: CliCommand[] = [projectCreate, projectInfo, projectSet, importCommand, exportCommand, simBoard, train, inspect, run, variants, generate, optimize, ...profileCommands]
