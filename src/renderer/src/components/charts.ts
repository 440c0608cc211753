import { BarChart, HeatmapChart, LineChart } from 'echarts/charts'
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, VisualMapComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers'

// Only what the views draw, so the chart code stays small and loads with the first chart.
echarts.use([LineChart, BarChart, HeatmapChart, GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, DataZoomComponent, VisualMapComponent, CanvasRenderer, SVGRenderer])

export { echarts }

/** Axis colours, distinct from the class palette and readable on light and dark backgrounds. */
export const AXIS_COLORS = ['#e6550d', '#31a354', '#3182bd', '#d6616b', '#8c6d31', '#9467bd', '#17becf', '#bcbd22']

/** Chart text and line colours from the current theme's CSS variables. */
export function themeColors(): { text: string; muted: string; border: string; panel: string; accent: string } {
  const css = getComputedStyle(document.documentElement)
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback
  return { text: v('--text', '#1d2330'), muted: v('--muted', '#5d6677'), border: v('--border', '#d9dde5'), panel: v('--panel', '#ffffff'), accent: v('--accent', '#2f6fde') }
}

/** Gyroscope axes (gX, gyroZ, ...) go on a second y axis: their °/s would flatten g otherwise. */
export function isGyroAxis(name: string): boolean {
  return /^g(yro)?[_-]?[xyz0-9]?$/i.test(name) || /gyro/i.test(name)
}
