/**
 * The virtual board's runners: a built firmware (a host program, or QEMU running a Cortex-M4 ELF)
 * behind a socat pseudo-terminal, which the app then reads like any serial port.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, promises as fs } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { MicroforgeError } from '../../../shared/errors'
import { run } from '../tflm-build'
import type { QemuFirmwareBuild } from './qemu-build'

export interface VirtualBoardOptions {
  binary: string
  /** Run this command line instead of the host binary's own (QEMU); the options below are then unused. */
  command?: string[]
  windowsFile?: string
  /** Stop after this many windows (default: run until stopped). */
  count?: number
  /** Windows per second (default 20; 0 = as fast as the code runs). */
  rate?: number
  /** Where the pseudo-terminal's symlink goes (default: a temporary path). */
  link?: string
  /**
   * Wait this long before the first line. On Linux and the BSDs the firmware starts only once the
   * pseudo-terminal's other end is opened (socat's wait-slave, as boards wait with `while (!Serial)`),
   * but opening a serial port flushes what is queued, so the board gives the reader's open a moment
   * to finish. Elsewhere the wait counts from the start, as before.
   */
  startDelayMs?: number
}

export interface RunningVirtualBoard {
  link: string
  /** Resolves when socat (and with it the firmware) has exited. */
  exited: Promise<number | null>
  /**
   * Why the board stopped, when it failed: waits up to `waitMs` for it to exit, then gives the exit
   * code and the last line it wrote on stderr; null while it still runs or after a clean exit.
   */
  failure(waitMs?: number): Promise<string | null>
  stop(): Promise<void>
}

/**
 * socat's wait-slave (start the firmware only once the app opens the port) is documented as tested
 * on Linux and the BSDs; elsewhere (macOS) the board starts at once and relies on startDelayMs.
 */
const WAITS_FOR_READER = ['linux', 'freebsd', 'netbsd', 'openbsd'].includes(process.platform)

/** Starts the firmware behind a socat pseudo-terminal and resolves once the link exists. */
export async function startVirtualBoard(opts: VirtualBoardOptions): Promise<RunningVirtualBoard> {
  const link = opts.link ? resolve(opts.link) : join(tmpdir(), 'microforge-virtual-board', `tty-${process.pid}-${Date.now().toString(36)}`)
  await fs.mkdir(dirname(link), { recursive: true })
  await fs.rm(link, { force: true })
  const args = opts.command ? [...opts.command] : [opts.binary, '--rate', String(opts.rate ?? 20)]
  if (!opts.command) {
    if (opts.windowsFile) args.push('--windows', opts.windowsFile)
    if (opts.count) args.push('--count', String(opts.count))
    if (opts.startDelayMs) args.push('--start-delay-ms', String(Math.round(opts.startDelayMs)))
  }
  // socat's EXEC splits its command on spaces and treats some characters specially; refuse them
  // rather than run something else.
  for (const a of [...args, link]) {
    if (/[\s,:!'"\\]/.test(a)) throw new MicroforgeError('INVALID_ARGUMENT', `The virtual board cannot use the path "${a}" (spaces and punctuation confuse socat).`, 'Use a path without spaces.')
  }
  let child: ChildProcess
  try {
    // wait-slave: socat starts the firmware only when a reader opens the link (checked every 20 ms),
    // so nothing printed before the app opens the port is lost, however slow the app is to open it.
    const pty = `PTY,link=${link},raw,echo=0${WAITS_FOR_READER ? ',wait-slave,pty-interval=0.02' : ''}`
    // -t 2: after the firmware ends, its last lines stay readable for 2 s before the pty closes (a
    // closed pty drops what its reader has not read yet; socat's default is 0.5 s).
    child = spawn('socat', ['-t', '2', pty, `EXEC:${args.join(' ')}`], { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch {
    throw socatMissing()
  }
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000)
  })
  const exited = new Promise<number | null>((res) => {
    child.once('exit', (code) => res(code))
    child.once('error', () => res(null))
  })
  const spawnError = new Promise<Error>((res) => child.once('error', res))
  const deadline = Date.now() + 10_000
  while (!existsSync(link)) {
    const failed = await Promise.race([spawnError, new Promise<null>((r) => setTimeout(() => r(null), 20))])
    if (failed) throw (failed as NodeJS.ErrnoException).code === 'ENOENT' ? socatMissing() : failed
    if (child.exitCode !== null) throw new MicroforgeError('DEVICE_ERROR', `The virtual board stopped at once: ${stderr.trim().split('\n').pop() ?? ''}`, 'Check that socat works (socat -V).')
    if (Date.now() > deadline) {
      child.kill('SIGTERM')
      throw new MicroforgeError('DEVICE_ERROR', 'The virtual board did not create its pseudo-terminal within 10 s.', 'Check that socat works (socat -V).')
    }
  }
  return {
    link,
    exited,
    async failure(waitMs = 2000) {
      let timer: NodeJS.Timeout | undefined
      const code = await Promise.race([exited, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), waitMs)))])
      clearTimeout(timer)
      if (code === undefined || code === 0) return null
      return boardFailure(code, stderr)
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
        await exited
        clearTimeout(timer)
      }
      await fs.rm(link, { force: true }).catch(() => undefined)
    }
  }
}

/**
 * The firmware's failure from socat's stderr: socat exits 1 and logs the child's own status
 * ("E waitpid(): child N exited with status 3"); the last other line is the firmware's own stderr.
 */
export function boardFailure(socatCode: number | null, stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean)
  const own = lines.filter((l) => !/\bsocat\[\d+\] [A-Z] /.test(l)).pop()
  const status = /child \d+ exited with status (\d+)/.exec(stderr)?.[1]
  const signal = /child \d+ exited on signal (\d+)/.exec(stderr)?.[1]
  const how = status ? `code ${status}` : signal ? `signal ${signal}` : socatCode === null ? 'a signal' : `code ${socatCode}`
  const why = own ?? (status || signal ? undefined : lines.pop())
  return `exited with ${how}${why ? `: ${why}` : ''}`
}

function socatMissing(): MicroforgeError {
  return new MicroforgeError('UNSUPPORTED', 'The virtual board needs socat, which is not installed.', 'Install it (Debian/Ubuntu: sudo apt install socat), then start the virtual board again.')
}

/** Starts QEMU on the firmware behind a socat pseudo-terminal (its UART0 on QEMU's stdio). */
export async function startQemuBoard(build: QemuFirmwareBuild, link?: string): Promise<RunningVirtualBoard> {
  try {
    await run('qemu-system-arm', ['--version'])
  } catch {
    throw new MicroforgeError('UNSUPPORTED', 'The emulated board needs QEMU (qemu-system-arm).', 'Install it (Debian/Ubuntu: sudo apt install qemu-system-arm).')
  }
  return startVirtualBoard({
    binary: 'qemu-system-arm',
    // No semihosting: the board port never exits (and socat's EXEC cannot pass its comma).
    command: ['qemu-system-arm', '-M', 'mps2-an386', '-cpu', 'cortex-m4', '-display', 'none', '-monitor', 'none', '-serial', 'stdio', '-icount', 'shift=0', '-kernel', build.elf],
    ...(link ? { link } : {})
  })
}
