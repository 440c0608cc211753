import type { EChartsCoreOption } from 'echarts/core'
import { formatBytes, formatPercent } from '../../../../shared/format'
import type { VariantRecord } from '../../../../shared/optimize'

/**
 * Accuracy against .tflite size. The y range runs from a round number below the worst variant to
 * 100 % with room above, so points are not pinned to the top edge; x starts at 0 so sizes compare
 * honestly; labels that would overlap move apart or hide (the tooltip still names every point).
 */
export function scatterOption(variants: readonly Pick<VariantRecord, 'name' | 'tfliteBytes' | 'accuracy'>[]): EChartsCoreOption {
  const accs = variants.map((v) => v.accuracy * 100)
  const low = accs.length ? Math.min(...accs) : 0
  const min = Math.max(0, Math.floor((low - 5) / 10) * 10)
  return {
    animation: false,
    tooltip: { trigger: 'item', formatter: (p: { data: [number, number, string] }) => `${p.data[2]}<br/>${formatBytes(p.data[0] * 1024)}, ${formatPercent(p.data[1] / 100)}` },
    grid: { left: 16, right: 40, top: 28, bottom: 36, containLabel: true },
    xAxis: { type: 'value', name: '.tflite size (KB)', nameLocation: 'middle', nameGap: 28, min: 0 },
    yAxis: { type: 'value', name: 'accuracy (%)', nameLocation: 'end', nameGap: 12, nameTextStyle: { align: 'left' }, min, max: 100 + (100 - min) * 0.08, axisLabel: { formatter: (v: number) => (v > 100 ? '' : `${v}`) } },
    series: [
      {
        type: 'scatter',
        symbolSize: 12,
        clip: false,
        data: variants.map((v) => [v.tfliteBytes / 1024, v.accuracy * 100, v.name]),
        label: { show: true, position: 'right', formatter: (p: { data: [number, number, string] }) => p.data[2], fontSize: 11 },
        labelLayout: { hideOverlap: true, moveOverlap: 'shiftY' }
      }
    ]
  }
}
