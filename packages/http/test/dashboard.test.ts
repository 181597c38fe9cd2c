import { assert, describe, it } from "@effect/vitest"
import { createHash } from "node:crypto"
import { Script } from "node:vm"
import { dashboardCsp, dashboardHtml, dashboardScript } from "../src/internal/dashboard.js"

const inlineScripts = (html: string) => Array.from(html.matchAll(/<script>([\s\S]*?)<\/script>/g), (match) => match[1]!)
const inlineStyles = (html: string) => Array.from(html.matchAll(/<style>([\s\S]*?)<\/style>/g), (match) => match[1]!)
const hash = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`

describe("dashboard assets", () => {
  it("the page's loader and the dashboard's script are valid JavaScript", () => {
    const scripts = inlineScripts(dashboardHtml)
    assert.strictEqual(scripts.length, 1)
    for (const code of [...scripts, dashboardScript]) {
      assert.doesNotThrow(() => new Script(code))
    }
  })

  it("the Content-Security-Policy allows exactly the page's own inline script and style", () => {
    const [loader] = inlineScripts(dashboardHtml)
    const [style] = inlineStyles(dashboardHtml)
    assert.include(dashboardCsp, `script-src ${hash(loader!)} blob:`)
    assert.include(dashboardCsp, `style-src ${hash(style!)}`)
    assert.notInclude(dashboardCsp, "unsafe-inline")
    assert.notInclude(dashboardCsp, "unsafe-eval")
  })

  it("the page shows data only through textContent, never as HTML", () => {
    assert.notInclude(dashboardScript, "innerHTML")
    assert.notInclude(dashboardScript, "outerHTML")
    assert.notInclude(dashboardScript, "insertAdjacentHTML")
    assert.notInclude(dashboardScript, "document.write")
  })
})
