import type { EChartsCoreOption } from 'echarts/core'
import type { HistogramBins, ProfileSample, StageStats } from '../../../../shared/contract/profile'
import { formatMicros, formatMicrosStep } from '../../../../shared/format'
import { stageColor, stageTitle } from './stage-colors'

/** Chart options of the Profile view, as plain functions of the data (tested without a browser). */

const axisUs = { type: 'value', axisLabel: { formatter: (v: number) => formatMicros(v) } }
const tooltipUs = { trigger: 'axis', valueFormatter: (v: number) => formatMicros(v) }

/**
 * One label per bar: the bin's lower edge with enough digits to tell neighbours apart, plus a bar
 * for the outliers below and above the range the histogram keeps readable.
 */
export function histogramCategories(h: HistogramBins): { labels: string[]; counts: number[] } {
  const labels = h.counts.map((_, i) => formatMicrosStep(h.start + i * h.width, h.width))
  const counts = [...h.counts]
  if (h.below) {
    labels.unshift(`< ${formatMicrosStep(h.start, h.width)}`)
    counts.unshift(h.below)
  }
  if (h.above) {
    labels.push(`> ${formatMicrosStep(h.start + h.counts.length * h.width, h.width)}`)
    counts.push(h.above)
  }
  return { labels, counts }
}

export function histogramOption(st: StageStats | undefined, index: number): EChartsCoreOption {
  const cats = st ? histogramCategories(st.histogram) : { labels: [], counts: [] }
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    grid: { left: 48, right: 16, top: 28, bottom: 40, containLabel: true },
    xAxis: { type: 'category', data: cats.labels, name: 'from', nameLocation: 'middle', nameGap: 26, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', name: 'inferences', minInterval: 1 },
    series: [{ type: 'bar', barCategoryGap: '5%', itemStyle: { color: st ? stageColor(st.stage, index) : '#888' }, data: cats.counts }]
  }
}

/** The last 60 inferences as stacked bars: where each inference's time goes. */
export function stackedBarsOption(samples: readonly ProfileSample[], stages: readonly string[]): EChartsCoreOption {
  const recent = samples.slice(-60)
  const first = samples.length - recent.length
  return {
    animation: false,
    tooltip: tooltipUs,
    legend: { top: 0 },
    grid: { left: 70, right: 16, top: 32, bottom: 28 },
    xAxis: { type: 'category', data: recent.map((_, i) => String(first + i + 1)), name: 'inference', nameLocation: 'middle', nameGap: 22 },
    yAxis: axisUs,
    series: stages.map((st, i) => ({ name: stageTitle(st), type: 'bar', stack: 'total', itemStyle: { color: stageColor(st, i) }, data: recent.map((r) => r.stages[st] ?? 0) }))
  }
}

/** Per-stage time over the session, averaged into at most 400 points so long sessions draw fast. */
export function timelineOption(samples: readonly ProfileSample[], stages: readonly string[]): EChartsCoreOption {
  const size = Math.max(1, Math.ceil(samples.length / 400))
  const points: { t: number; v: Record<string, number> }[] = []
  for (let i = 0; i < samples.length; i += size) {
    const bucket = samples.slice(i, i + size)
    const v: Record<string, number> = {}
    for (const st of stages) {
      const xs = bucket.map((b) => b.stages[st]).filter((x): x is number => x !== undefined)
      if (xs.length) v[st] = xs.reduce((a, b) => a + b, 0) / xs.length
    }
    points.push({ t: bucket[0].t / 1000, v })
  }
  return {
    animation: false,
    tooltip: tooltipUs,
    legend: { top: 0 },
    grid: { left: 70, right: 16, top: 32, bottom: 28 },
    // The first time label would sit on the y axis's "0 µs": leave it out.
    xAxis: { type: 'value', name: 's', min: 'dataMin', axisLabel: { showMinLabel: false, hideOverlap: true, formatter: (v: number) => `${Math.round(v * 10) / 10} s` } },
    yAxis: axisUs,
    series: stages.map((st, i) => ({ name: stageTitle(st), type: 'line', showSymbol: false, itemStyle: { color: stageColor(st, i) }, data: points.map((p) => [p.t, p.v[st] ?? null]) }))
  }
}
