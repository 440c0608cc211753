import { configDefaults, defineConfig } from 'vitest/config'

/**
 * Unit files that cannot share a worker with the others: two mock `electron` for the whole module
 * graph, and the backend fallback test leaves tfjs on its cpu backend. They run isolated, each in a
 * fresh worker; every other unit file shares one, so tfjs and the services load once per worker
 * instead of once per file.
 */
const ISOLATED_UNIT = ['test/unit/ipc.test.ts', 'test/unit/electron-main.test.ts', 'test/unit/core/train/backend-fallback.test.ts']

/**
 * Integration files whose assertions depend on real time: a sample rate measured on arrival, a
 * training budget, a cancel that must land within an epoch, a child process or virtual board that
 * must start within a deadline. They run one at a time and, in `npm test`, at normal priority beside
 * the e2e tests, while the other integration files and the unit files share two workers at a lower
 * priority (scripts/test.mjs).
 */
const TIMED_INTEGRATION = [
  'capture-firmware-rate',
  'disk-full',
  'hostile-project-sim',
  'imu-capture-rate',
  'optimize-service',
  'profile-pty',
  'serial-capture',
  'serial-unplug',
  'sim-board',
  'sim-board-firmware',
  'sim-firmware-board',
  'sim-follow',
  'sim-service',
  'train-search',
  'train-worker',
  'web-sigterm'
].map((name) => `test/integration/${name}.test.ts`)

// expect.poll's own default is 1 s. On 2 cores with the lanes of `npm test` running at once (unit and
// integration at nice 10), a page or service can take longer than that to get there; a condition that
// is never met still fails, only later.
const POLL = { poll: { timeout: 20_000, interval: 50 } }

// Unit tests run at nice 10 in `npm test`, and some do real work in-process (train, generate firmware,
// import the main process cold). Beside two busy processes they took 5 to 11 times longer than beside
// the other tests: electron-main 6.5 s -> 38 s and 74 s (it failed at the old 30 s), stale 4.9 s -> 26 s,
// kill-at-every-step 3.5 s -> 24 s. The same limit as integration tests.
const UNIT_TIMEOUT = 180_000

// One runner for every layer. Integration and e2e tests use real ptys, real worker
// threads and a real Chromium, so they get longer timeouts.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          expect: POLL,
          include: ['test/unit/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...ISOLATED_UNIT],
          isolate: false,
          environment: 'node',
          testTimeout: UNIT_TIMEOUT
        }
      },
      {
        test: {
          name: 'unit-isolated',
          expect: POLL,
          include: ISOLATED_UNIT,
          environment: 'node',
          testTimeout: UNIT_TIMEOUT
        }
      },
      {
        test: {
          name: 'integration',
          expect: POLL,
          include: ['test/integration/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...TIMED_INTEGRATION],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 120_000
        }
      },
      {
        test: {
          name: 'integration-timed',
          expect: POLL,
          include: TIMED_INTEGRATION,
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
          expect: POLL,
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
          expect: POLL,
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
