/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { artifactsDir } from './web-server'

export const VIEWPORTS = [
  { width: 1400, height: 900 },
  { width: 1024, height: 768 }
] as const

export interface ScreenProblems {
  overflow: string[]
  labels: string[]
  /** Chart words and units without a glossary explanation under their chart. */
  terms: string[]
}

/**
 * What a user sees wrong on a screen, measured in the page: a panel wider than its card (content
 * cut off or a page that scrolls sideways), and chart labels that overlap each other or stick out
 * of their chart (charts draw SVG, so every label is a text box), and chart words or units with no
 * glossary explanation under their chart.
 */
export async function screenProblems(page: Page): Promise<ScreenProblems> {
  return page.evaluate(() => {
    const describe = (el: Element): string => {
      const id = el.closest('[data-testid]')?.getAttribute('data-testid') ?? ''
      const h = el.querySelector('h1, h2, h3')?.textContent?.trim() ?? ''
      return `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}${id ? ` in ${id}` : ''}${h ? ` "${h}"` : ''}`
    }
    const overflow: string[] = []
    for (const el of document.querySelectorAll('.panel, main, .content, .body, .shell')) {
      const style = getComputedStyle(el)
      if (style.display === 'none') continue
      // A scroller of its own (a wide table inside its card) is fine; anything else wider is cut or spills.
      if (style.overflowX === 'auto' || style.overflowX === 'scroll') {
        if (el.tagName !== 'MAIN' && !el.classList.contains('content')) continue
      }
      if (el.scrollWidth > el.clientWidth + 1) overflow.push(`${describe(el)}: ${el.scrollWidth}px of content in ${el.clientWidth}px`)
    }
    const labels: string[] = []
    for (const svg of document.querySelectorAll('[_echarts_instance_] svg')) {
      const box = svg.getBoundingClientRect()
      if (box.width === 0) continue
      const name = svg.closest('[aria-label]')?.getAttribute('aria-label') ?? describe(svg.parentElement ?? svg)
      const texts = [...svg.querySelectorAll('text')]
        .filter((t) => (t.textContent ?? '').trim() !== '' && getComputedStyle(t).display !== 'none' && t.getAttribute('opacity') !== '0' && t.getAttribute('fill-opacity') !== '0')
        .map((t) => ({ text: (t.textContent ?? '').trim(), r: t.getBoundingClientRect() }))
        .filter((t) => t.r.width > 0 && t.r.height > 0)
      for (const t of texts) {
        if (t.r.left < box.left - 1 || t.r.right > box.right + 1 || t.r.top < box.top - 1 || t.r.bottom > box.bottom + 1) labels.push(`${name}: "${t.text}" is cut off by the chart's edge`)
      }
      for (let i = 0; i < texts.length; i++) {
        for (let j = i + 1; j < texts.length; j++) {
          const a = texts[i].r
          const b = texts[j].r
          const w = Math.min(a.right, b.right) - Math.max(a.left, b.left)
          const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top)
          if (w > 2 && h > 2) labels.push(`${name}: "${texts[i].text}" overlaps "${texts[j].text}"`)
        }
      }
    }
    // Every chart has its glossary caption (ChartTerms), and each unit or term drawn on it is one of
    // the caption's entries: data-term is the glossary key, its title the explanation.
    const needs: Array<[RegExp, string]> = [
      [/(^|[\d\s])(µs|ms)$|^(µs|ms)$/, 'us'],
      [/^-?[\d.]+\s*s$|^s$/, 'us'],
      [/\bKB\b/, 'kb'],
      [/\binferences?\b/i, 'inference'],
      [/\bepoch\b/i, 'epoch'],
      [/\bloss\b/i, 'loss'],
      [/\bvalidation\b/i, 'validation'],
      [/\baccuracy\b/i, 'accuracy'],
      [/\bsparsity\b/i, 'sparsity'],
      [/\bgzip\b/i, 'gzip'],
      [/\.tflite\b/, 'tflite'],
      [/^-?[\d.]+\s*g$|^g$/, 'accelG'],
      [/°\/s/, 'gyroDps'],
      [/\bHz\b/, 'sampleRate']
    ]
    const terms: string[] = []
    for (const chart of document.querySelectorAll('[_echarts_instance_]')) {
      if (chart.getBoundingClientRect().width === 0) continue
      const name = chart.closest('[aria-label]')?.getAttribute('aria-label') ?? describe(chart.parentElement ?? chart)
      let host = chart.parentElement
      for (let up = 0; host && up < 3 && !host.querySelector(':scope > [data-testid="chart-terms"]'); up++) host = host.parentElement
      const caption = host?.querySelector(':scope > [data-testid="chart-terms"]')
      const explained = new Set([...(caption?.querySelectorAll('[data-term]') ?? [])].filter((t) => (t.getAttribute('title') ?? '').length > 20).map((t) => t.getAttribute('data-term')))
      if (!explained.size) {
        terms.push(`${name}: no glossary caption under the chart`)
        continue
      }
      for (const t of chart.querySelectorAll('svg text')) {
        const text = (t.textContent ?? '').trim()
        for (const [re, key] of needs) if (re.test(text) && !explained.has(key)) terms.push(`${name}: "${text}" has no explanation (${key})`)
      }
    }
    return { overflow, labels, terms: [...new Set(terms)] }
  })
}

/**
 * Saves test-results/screens/<step>-<width>x<height>.png at each viewport and returns every problem
 * found, named by step and size.
 */
export async function checkScreens(page: Page, step: string, settle = 600): Promise<string[]> {
  const dir = join(artifactsDir, 'screens')
  mkdirSync(dir, { recursive: true })
  const problems: string[] = []
  for (const vp of VIEWPORTS) {
    await page.setViewportSize(vp)
    await page.waitForTimeout(settle)
    await page.screenshot({ path: join(dir, `${step}-${vp.width}x${vp.height}.png`), fullPage: false })
    const p = await screenProblems(page)
    for (const x of [...p.overflow, ...p.labels, ...p.terms]) problems.push(`${step} at ${vp.width}x${vp.height}: ${x}`)
  }
  await page.setViewportSize(VIEWPORTS[0])
  return problems
}
