import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The layers of ARCHITECTURE.md: imports point down only (shared <- core <- workers/services <-
 * transports, CLI, shell). One no-restricted-imports entry per folder lists what it must not reach.
 */
const UP = { ui: ['**/renderer/**', '**/preload/**'], cli: ['**/cli/**'], shell: ['**/main/ipc', '**/main/index', '**/main/web', '**/main/web-server', '**/main/security'] }
const NATIVE = ['electron', 'serialport', '@serialport/*', 'ws']
const layer = (files, patterns, message, paths = NATIVE, more = []) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { paths: paths.map((name) => ({ name, message })), patterns: [{ group: patterns, message }, ...more] }] }
})
const CORE_OUT = ['**/services/**', '**/storage/**', '**/workers/**', '**/rpc/**', '**/sim/**', ...UP.ui, ...UP.cli, ...UP.shell, 'node:fs', 'node:fs/*', 'node:child_process', 'node:worker_threads', 'node:net', 'node:http']
const CORE_PURE = 'src/main/core is pure: no services, workers, transports, file system or processes. Take bytes, return bytes.'
/**
 * The folders of src/main/core in tiers, lowest first: a folder imports only folders of lower tiers
 * (and itself), so the arrows between core folders go one way (optimize trains, training estimates
 * latency, latency reads generated graphs). A new core folder must be placed here.
 */
const CORE_TIERS = [
  ['util', 'tflite', 'model', 'profile'],
  ['serial', 'quant', 'arena'],
  ['dataset', 'codegen'],
  ['cost', 'export', 'inspect'],
  ['train'],
  ['optimize']
]
const unplaced = readdirSync(join(dirname(fileURLToPath(import.meta.url)), 'src', 'main', 'core'), { withFileTypes: true }).filter((e) => e.isDirectory() && !CORE_TIERS.flat().includes(e.name))
if (unplaced.length) throw new Error(`eslint.config.js: place src/main/core/${unplaced.map((e) => e.name).join(', ')} in CORE_TIERS (which core folders it sits above).`)
const coreLayers = CORE_TIERS.flatMap((tier, k) =>
  tier.map((folder) => {
    const above = CORE_TIERS.slice(k).flat().filter((f) => f !== folder)
    const below = CORE_TIERS.slice(0, k).flat()
    const message = `core/${folder} imports ${below.length ? `only the core folders below it (${below.join(', ')})` : 'no other core folder'}; ${above.join(', ')} ${above.length > 1 ? 'sit' : 'sits'} at its tier or above (CORE_TIERS in eslint.config.js).`
    return layer([`src/main/core/${folder}/**`], CORE_OUT, CORE_PURE, NATIVE, above.length ? [{ regex: `^(\\.\\./)+(${above.join('|')})(/|$)`, message }] : [])
  })
)
const RENDERER_OUT = ['**/main/**', ...UP.cli, '**/preload/**', 'node:*']
const RENDERER_ONLY = 'The renderer sees only src/shared and its api/.'
const layers = [
  layer(['src/shared/**'], ['**/main/**', ...UP.ui, ...UP.cli, 'node:*'], 'src/shared is the contract: it imports nothing but itself and zod.'),
  layer(['src/main/core/**'], CORE_OUT, CORE_PURE),
  ...coreLayers,
  layer(['src/main/workers/**'], ['**/services/**', '**/storage/**', '**/rpc/**', '**/sim/**', ...UP.ui, ...UP.cli, ...UP.shell], 'Workers call core and hand bytes back; the services own I/O.'),
  layer(
    ['src/main/storage/**'],
    ['**/services/**', '**/workers/**', '**/rpc/**', '**/sim/**', ...UP.ui, ...UP.cli, ...UP.shell],
    'src/main/storage is the project folder on disk (atomic writes, the lock, project.json, model files): services use it, it uses no service.'
  ),
  layer(['src/main/services/**'], ['**/rpc/**', ...UP.ui, ...UP.cli, ...UP.shell], 'Services sit below the transports, the CLI and the shell.', ['electron']),
  layer(['src/main/sim/**'], ['**/services/**', '**/rpc/**', ...UP.ui, ...UP.cli, ...UP.shell], 'The virtual boards sit beside the services and below the transports.', ['electron']),
  layer(['src/main/rpc/**'], [...UP.ui, ...UP.cli, ...UP.shell], 'Transports sit below the CLI and the shell.', ['electron']),
  layer(['src/cli/commands/**'], ['**/main/**', ...UP.ui], 'CLI commands go through the contract (ctx.api), like the UI.'),
  layer(['src/cli/*.ts'], ['**/main/core/**', '**/main/storage/**', '**/main/workers/**', '**/main/sim/**', ...UP.ui], 'The CLI reaches the services only through createServices and the in-memory transport.'),
  layer(['src/renderer/**'], RENDERER_OUT, RENDERER_ONLY),
  layer(['src/renderer/src/components/**'], RENDERER_OUT, RENDERER_ONLY, NATIVE, [{ group: ['**/views/**', '**/views'], message: 'Components sit below the views: a view uses components, a component uses no view (shared helpers go in src/shared or beside the component).' }]),
  layer(['src/preload/**'], ['**/main/**', ...UP.ui, ...UP.cli], 'The preload bridges the contract; it imports only src/shared and electron.', [])
]

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'src/main/core/tflite/schema/**', 'resources/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } }
  },
  {
    // TypeScript (tsc, vue-tsc) already reports undefined names, with the right globals per environment.
    files: ['**/*.ts', '**/*.vue'],
    rules: { 'no-undef': 'off' }
  },
  {
    files: ['scripts/**/*.mjs', 'bin/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' } }
  },
  ...layers,
  {
    // One error-reporting path for views: a view or component never catches an error itself; it
    // runs the call through composables/reported.ts (`reported` for the toast, `handled` for a
    // message shown in place). try/finally (cleanup only, the error still propagates) is allowed.
    files: ['src/renderer/src/views/**', 'src/renderer/src/components/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'TryStatement[handler]', message: 'Views and components catch nothing themselves: use reported() or handled() from composables/reported.ts.' },
        { selector: "CallExpression[callee.property.name='catch']", message: 'Views and components catch nothing themselves: use reported() or handled() from composables/reported.ts.' }
      ]
    }
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off'
    }
  }
)
