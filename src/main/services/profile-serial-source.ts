import { MicroforgeError } from '../../shared/errors'
import { LineFramer } from '../core/serial/line-framer'
import type { LineSink, LineSourceHandle } from './profile-service'

/**
 * Reads text lines from a serial port for a profiling session. Profiling needs only lines, and
 * a profiling session may run next to a capture connection on another port, so it opens its own
 * port with the same framing (4 KB line limit) the capture stream uses.
 */
export async function openSerialLines(path: string, baud: number, sink: LineSink): Promise<LineSourceHandle> {
  const framer = new LineFramer()
  // Loaded on first use, as the DeviceService does, so commands that never open a port start fast.
  const { SerialPort } = await import('serialport')
  const port = new SerialPort({ path, baudRate: baud, autoOpen: false })
  await new Promise<void>((resolve, reject) =>
    port.open((err) => {
      if (!err) return resolve()
      reject(
        new MicroforgeError(
          'DEVICE_ERROR',
          `Could not open ${path} at ${baud} baud: ${err.message}`,
          /EACCES|permission/i.test(err.message)
            ? 'Add yourself to the dialout group (sudo usermod -aG dialout $USER) and log in again.'
            : 'Check that the board is plugged in and no other program (Serial Monitor) has the port open.'
        )
      )
    })
  )
  let closing = false
  port.on('data', (chunk: Buffer) => {
    for (const line of framer.push(chunk)) sink.line(line)
  })
  port.on('close', () => {
    if (closing) return
    sink.end({ code: 'DEVICE_DISCONNECTED', message: `${path} closed: the board was unplugged or reset.`, hint: 'Plug it back in and start profiling again; the inferences so far are saved.' })
  })
  port.on('error', (err: Error) => {
    if (closing) return
    sink.end({ code: 'DEVICE_ERROR', message: `${path}: ${err.message}`, hint: 'Reconnect the board and start profiling again.' })
  })
  return {
    async close() {
      if (closing) return
      closing = true
      if (!port.isOpen) return
      await new Promise<void>((resolve) => port.close(() => resolve()))
    }
  }
}
