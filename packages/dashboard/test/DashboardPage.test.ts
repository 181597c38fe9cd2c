import * as fc from "fast-check"
import { createHash } from "node:crypto"
import { Script } from "node:vm"
import { assert, describe, it } from "vitest"
import * as DashboardPage from "../src/DashboardPage.js"
import { sha256Base64 } from "../src/internal/sha256.js"

const inlineScripts = (html: string) => Array.from(html.matchAll(/<script>([\s\S]*?)<\/script>/g), (match) => match[1]!)
const inlineStyles = (html: string) => Array.from(html.matchAll(/<style>([\s\S]*?)<\/style>/g), (match) => match[1]!)
const hash = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`

describe("dashboard assets", () => {
  it("the page's loader and the dashboard's script are valid JavaScript", () => {
    const scripts = inlineScripts(DashboardPage.html)
    assert.strictEqual(scripts.length, 1)
    for (const code of [...scripts, DashboardPage.script]) {
      assert.doesNotThrow(() => new Script(code))
    }
  })

  it("the Content-Security-Policy allows exactly the page's own inline script and style", () => {
    const [loader] = inlineScripts(DashboardPage.html)
    const [style] = inlineStyles(DashboardPage.html)
    assert.strictEqual(loader, DashboardPage.loader)
    assert.strictEqual(style, DashboardPage.style)
    assert.include(DashboardPage.contentSecurityPolicy, `script-src ${hash(loader!)} blob:`)
    assert.include(DashboardPage.contentSecurityPolicy, `style-src ${hash(style!)}`)
    assert.notInclude(DashboardPage.contentSecurityPolicy, "unsafe-inline")
    assert.notInclude(DashboardPage.contentSecurityPolicy, "unsafe-eval")
    assert.strictEqual(DashboardPage.htmlHeaders["content-security-policy"], DashboardPage.contentSecurityPolicy)
  })

  it("the page shows data only through textContent, never as HTML", () => {
    assert.notInclude(DashboardPage.script, "innerHTML")
    assert.notInclude(DashboardPage.script, "outerHTML")
    assert.notInclude(DashboardPage.script, "insertAdjacentHTML")
    assert.notInclude(DashboardPage.script, "document.write")
  })

  it("the page and the script keep the token under the same sessionStorage key", () => {
    const key = JSON.stringify(DashboardPage.tokenStorageKey)
    assert.include(DashboardPage.loader, `const key = ${key}`)
    assert.include(DashboardPage.script, `const key = ${key}`)
  })
})

describe("the policy's hashes", () => {
  it("property: the SHA-256 of any text is node:crypto's, in base64", () =>
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => {
        assert.strictEqual(sha256Base64(text), createHash("sha256").update(text, "utf8").digest("base64"))
      }),
      { numRuns: 500 }
    ))

  it("the SHA-256 of every length around the 64-byte block boundaries is node:crypto's", () => {
    for (let length = 0; length <= 200; length++) {
      const text = "a".repeat(length)
      assert.strictEqual(sha256Base64(text), createHash("sha256").update(text, "utf8").digest("base64"), `${length}`)
    }
  })
})
