/** The renderer's short names for the app's one number formatter (src/shared/format.ts). */
export { formatBytes as fmtBytes, formatCount as fmtCount, formatHz as fmtHz, formatMs as fmtMs, formatPercent as fmtPct } from '../../../shared/format'
