/// <reference types="vite/client" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

interface MicroforgeBridge {
  methods: Record<string, (...args: unknown[]) => Promise<{ ok: true; result: unknown } | { ok: false; error: import('../../shared/errors').ErrorData }>>
  subscribe(event: string, handler: (payload: unknown) => void): () => void
  pick(request: { purpose: string; defaultName?: string }): Promise<{ ok: true; result: { paths: string[] } } | { ok: false; error: import('../../shared/errors').ErrorData }>
}

interface Window {
  microforge?: MicroforgeBridge
}
