import type { CliCommand } from '../command'
import { projectCreate, projectInfo } from './project'

/** Every command of the `microforge` CLI. Add a command: export it from its file, list it here. */
export const commands: CliCommand[] = [projectCreate, projectInfo]
