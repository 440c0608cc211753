/**
 * Which IPC senders the main process trusts: only the main frame of our own window, showing our own
 * page (the built renderer, or the dev server in `npm run dev`). Plain data in, a boolean out, so
 * the check that guards every IPC call runs in a test without Electron.
 */
export interface SenderEvent {
  sender: unknown
  senderFrame: { url: string } | null
}

export interface TrustedWindow {
  webContents: { mainFrame: unknown }
}

/** Whether `url` is a page of the renderer served from `rendererUrl` (file:// build or dev server). */
export function isOurPage(url: string, rendererUrl: string, devServerUrl?: string): boolean {
  const base = rendererUrl.split('?')[0].replace(/index\.html$/, '')
  if (url.startsWith(base)) return true
  if (devServerUrl === undefined) return false
  try {
    return new URL(url).origin === new URL(devServerUrl).origin
  } catch {
    return false
  }
}

export function isTrustedSender(e: SenderEvent, window: TrustedWindow | null, ourPage: (url: string) => boolean): boolean {
  const frame = e.senderFrame
  return !!window && e.sender === window.webContents && !!frame && frame === window.webContents.mainFrame && ourPage(frame.url)
}
