import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

// Main and preload bundles for Electron; the renderer bundle is also what `npm run web` serves.
// Worker entries are extra inputs of the main bundle so they sit next to index.js.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          'train-worker': resolve(__dirname, 'src/main/workers/train-worker.ts'),
          'optimize-worker': resolve(__dirname, 'src/main/workers/optimize-worker.ts')
        }
      }
    }
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron': bundle everything else (zod) into it.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        // A sandboxed preload must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    resolve: { alias: { '@renderer': resolve(__dirname, 'src/renderer/src') } },
    plugins: [vue()],
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } }
    }
  }
})
