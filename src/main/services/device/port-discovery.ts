import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import type { PortInfo } from '../../../shared/contract/device'
import { exists } from './serial-port'

/** A port as the operating system describes it; listPorts judges whether a board can be on it. */
export type SystemPort = Omit<PortInfo, 'likelyBoard'>

const SCAN_PATTERNS = [/^ttyACM\d+$/, /^ttyUSB\d+$/, /^ttyAMA\d+$/, /^rfcomm\d+$/, /^tty\.usb/, /^cu\.usb/, /^ttyS\d+$/]
/** The motherboard UARTs Linux always lists (ttyS0..31), usually with nothing attached. */
const LEGACY_UART = /\/ttyS\d+$/
const likelyBoard = (path: string): boolean => !LEGACY_UART.test(path)

export interface DiscoveryOptions {
  /** The OS port list; serialport's needs udevadm on Linux. */
  listSystemPorts: () => Promise<SystemPort[]>
  devDir: string
  /** Paths opened before, listed again when they exist (sim-board links, /dev/pts). */
  knownPaths: Iterable<string>
}

/**
 * The ports a board can be on: the OS list, device files that look like serial ports, and paths
 * opened before. Boards first in the order found, then the legacy UARTs.
 */
export async function discoverPorts(opts: DiscoveryOptions): Promise<PortInfo[]> {
  let ports: PortInfo[] = []
  try {
    ports = (await opts.listSystemPorts()).map((p) => ({ ...p, likelyBoard: likelyBoard(p.path) }))
  } catch {
    // serialport's list needs udevadm on Linux; containers and minimal systems lack it.
  }
  const seen = new Set(ports.map((p) => p.path))
  const add = (path: string): void => {
    if (seen.has(path)) return
    seen.add(path)
    ports.push({ path, manufacturer: null, serialNumber: null, vendorId: null, productId: null, source: 'scan', likelyBoard: likelyBoard(path) })
  }
  let names: string[] = []
  try {
    names = await fs.readdir(opts.devDir)
  } catch {
    names = []
  }
  for (const re of SCAN_PATTERNS) for (const n of names.filter((x) => re.test(x)).sort(naturalCompare)) add(join(opts.devDir, n))
  for (const p of opts.knownPaths) if (await exists(p)) add(p)
  return [...ports.filter((p) => p.likelyBoard), ...ports.filter((p) => !p.likelyBoard)]
}

/** serialport's list of the system's ports. */
export async function systemPorts(): Promise<SystemPort[]> {
  const { SerialPort } = await import('serialport')
  const list = await SerialPort.list()
  return list.map((p) => ({
    path: p.path,
    manufacturer: p.manufacturer ?? null,
    serialNumber: p.serialNumber ?? null,
    vendorId: p.vendorId ?? null,
    productId: p.productId ?? null,
    source: 'system' as const
  }))
}

function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, undefined, { numeric: true })
}
