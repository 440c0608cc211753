import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWebApp, type WebApp } from '../helpers/web-app'

/** A page opened without its token, or with one from an earlier start, says what to do instead of failing call after call. */
describe('browser access with a missing or stale token', () => {
  let app: WebApp

  beforeAll(async () => {
    app = await startWebApp()
  })
  afterAll(async () => {
    await app?.stop()
  })

  it('explains a missing token, takes the pasted address, and opens the app', async () => {
    const { page } = app
    const origin = new URL(app.url).origin
    await page.goto(`${origin}/`)
    await page.getByTestId('access-page').waitFor()
    const text = await page.getByTestId('access-page').textContent()
    expect(text).toContain('npm run web')
    expect(text).toContain('?token=')
    // Nothing pretends to work: no project form behind it, and no toasts.
    await page.waitForTimeout(1500)
    expect(await page.getByTestId('create-form').count()).toBe(0)
    expect(await page.locator('.toast').count()).toBe(0)

    await page.getByTestId('access-input').fill(app.url)
    await page.getByTestId('access-open').click()
    await page.getByTestId('create-form').waitFor()
  })

  it('tells a stale token from a stopped server, without a flood of "Lost the connection" toasts', async () => {
    const page = await app.browser.newPage()
    const stale = app.url.replace(/token=[\w-]+/, 'token=from-an-earlier-start-0123456789')
    await page.goto(stale)
    await page.getByTestId('access-page').waitFor({ timeout: 15_000 })
    expect(await page.getByTestId('access-page').textContent()).toContain('earlier start')
    await page.waitForTimeout(2000)
    expect(await page.locator('.toast').count()).toBe(0)
    expect(await page.getByText('Lost the connection').count()).toBe(0)
    await page.close()
  })
})
