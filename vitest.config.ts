import { defineConfig } from 'vitest/config'

// One runner for every layer. Integration and e2e tests use real ptys, real worker
// threads and a real Chromium, so they get longer timeouts and run after the unit tests.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000
        }
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false
        }
      },
      {
        // The live TensorFlow Lite Micro oracle: `npm run test:tflm` only (needs MICROFORGE_TFLM), never `npm test`.
        test: {
          name: 'tflm',
          include: ['test/tflm/**/*.test.ts'],
          environment: 'node',
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false
        }
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // One `npm run web` and one Chromium for all files; each file gets its own context and folder.
          globalSetup: ['test/e2e/global-setup.ts'],
          // The files run one after another in one worker that keeps its loaded modules (Playwright, the
          // services some files drive directly) instead of loading them again per file.
          isolate: false,
          // Its own group (a non-isolated single worker cannot share one with the unit tests' workers).
          sequence: { groupOrder: 1 },
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 180_000,
          fileParallelism: false
        }
      }
    ]
  }
})
