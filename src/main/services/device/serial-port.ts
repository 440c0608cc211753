import { promises as fs } from 'node:fs'
import { MicroforgeError } from '../../../shared/errors'

/** The little of a serial port the services use; tests can hand in their own. */
export interface SerialHandle {
  close(): Promise<void>
  onData(cb: (chunk: Uint8Array) => void): void
  /** Called once when the port closes for any reason; err is set when it was not our close(). */
  onClose(cb: (err: Error | null) => void): void
}

export type PortOpener = (path: string, baud: number) => Promise<SerialHandle>

/** How often an open port is checked for an unplug that raised no event; detection takes at most about twice this. */
const LINK_CHECK_MS = 500

/** The error a user sees when a port does not open: what happened and what to do, by the OS's reason. */
export function openError(err: unknown, path: string, baud: number): MicroforgeError {
  if (err instanceof MicroforgeError) return err
  const msg = (err as Error)?.message ?? String(err)
  if (/ENOENT|No such file/i.test(msg)) return new MicroforgeError('DEVICE_ERROR', `${path} does not exist.`, 'Plug the board in, then pick its port from the list (or type the path of a virtual board).')
  if (/EACCES|Permission denied/i.test(msg)) {
    return new MicroforgeError('DEVICE_ERROR', `No permission to open ${path}.`, 'On Linux, add yourself to the dialout group (sudo usermod -aG dialout $USER), then log out and in.')
  }
  if (/lock|EBUSY|busy/i.test(msg)) return new MicroforgeError('DEVICE_ERROR', `${path} is busy.`, 'Close the Arduino Serial Monitor or any other program using the port.')
  return new MicroforgeError('DEVICE_ERROR', `Could not open ${path} at ${baud} baud: ${msg}`, 'Check the port and the cable, then try again.')
}

/** Opens a real serial port; capture and profiling both use it, so both get the same unplug detection. */
export async function openSerialPort(path: string, baud: number): Promise<SerialHandle> {
  const { SerialPort } = await import('serialport')
  const port = new SerialPort({ path, baudRate: baud, autoOpen: false })
  await new Promise<void>((res, rej) => port.open((err) => (err ? rej(err) : res())))
  let closed = false
  let closeCb: ((err: Error | null) => void) | null = null
  let ours = false
  const fire = (err: Error | null): void => {
    if (closed) return
    closed = true
    clearInterval(watchdog)
    closeCb?.(ours ? null : (err ?? new Error('port closed')))
  }
  port.on('close', (err: Error | null) => fire(err))
  port.on('error', (err: Error) => {
    fire(err)
    if (port.isOpen) port.close(() => undefined)
  })
  // Pulling the cable does not always raise an event: a read that reaches the tty just after it
  // was hung up (USB link gone, socat killed) returns 0 bytes, and the binding then retries the
  // read forever instead of failing. So the link is checked while open: an ioctl on a hung-up fd
  // fails, and the device file of an unplugged board disappears.
  let ioctl: LinkIoctl | null = null
  let checking = false
  const watchdog = setInterval(() => {
    if (checking || closed || ours) return
    checking = true
    void linkLost(path, ioctl).then((lost) => {
      checking = false
      if (!lost || closed || ours) return
      fire(lost)
      if (port.isOpen) port.close(() => undefined)
    })
  }, LINK_CHECK_MS)
  watchdog.unref()
  // Only where the binding can read the baud rate back (not on macOS).
  const binding = port.port
  if (binding && (await binding.getBaudRate().then(() => true, () => false))) ioctl = binding
  return {
    onData: (cb) => port.on('data', (chunk: Buffer) => cb(chunk)),
    onClose: (cb) => {
      closeCb = cb
    },
    close: () =>
      new Promise<void>((res) => {
        ours = true
        clearInterval(watchdog)
        if (!port.isOpen) return res()
        port.close(() => res())
      })
  }
}

/** The port binding's ioctl used as a ping: it fails once the tty is hung up. */
interface LinkIoctl {
  isOpen: boolean
  getBaudRate(): Promise<unknown>
}

/** Why an open port no longer leads to a board, or null while it still does. */
async function linkLost(path: string, ioctl: LinkIoctl | null): Promise<Error | null> {
  if (!(await exists(path))) return new Error('the port is gone')
  if (!ioctl?.isOpen) return null
  return ioctl.getBaudRate().then(
    () => null,
    () => (ioctl.isOpen ? new Error('the port stopped answering') : null)
  )
}

export async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false
  )
}
