import { MicroforgeError } from '../../shared/errors'
import { LineFramer } from '../core/serial/line-framer'
import { openSerialPort } from './device/serial-port'
import type { LineSink, LineSourceHandle } from './profile-sources'

/**
 * Reads text lines from a serial port for a profiling session. Profiling needs only lines, and
 * a profiling session may run next to a capture connection on another port, so it opens its own
 * port, through the same opener as the capture stream (and so the same unplug detection), with the
 * same framing (4 KB line limit).
 */
export async function openSerialLines(path: string, baud: number, sink: LineSink): Promise<LineSourceHandle> {
  const framer = new LineFramer()
  let port
  try {
    port = await openSerialPort(path, baud)
  } catch (err) {
    const message = (err as Error).message
    throw new MicroforgeError(
      'DEVICE_ERROR',
      `Could not open ${path} at ${baud} baud: ${message}`,
      /EACCES|permission/i.test(message)
        ? 'Add yourself to the dialout group (sudo usermod -aG dialout $USER) and log in again.'
        : 'Check that the board is plugged in and no other program (Serial Monitor) has the port open.'
    )
  }
  port.onData((chunk) => {
    for (const line of framer.push(chunk)) sink.line(line)
  })
  port.onClose((err) => {
    // err is null after our own close(); anything else is the board going away.
    if (!err) return
    sink.end({ code: 'DEVICE_DISCONNECTED', message: `${path} closed: the board was unplugged or reset (${err.message}).`, hint: 'Plug it back in and start profiling again; the inferences so far are saved.' })
  })
  return {
    close: () => port.close()
  }
}
