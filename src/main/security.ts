/**
 * Content Security Policy for the renderer, in Electron and in the browser. No remote code, no eval;
 * inline styles are allowed because echarts and Vue's style bindings set them. ws: to 127.0.0.1
 * is the browser-mode transport.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')
