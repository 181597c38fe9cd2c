import { describe, expect, it } from "@effect/vitest"
import { findBlock, renderBlock, renderTable, replaceBlock } from "../src/internal/markdown.js"
import { documentTitle, parseArguments, plan, updateDocument } from "../src/internal/runner.js"
import type { Section } from "../src/Section.js"

const section = (id: string, dependsOn?: ReadonlyArray<string>): Section => ({
  id,
  title: `Title ${id}`,
  run: async () => `body of ${id}`,
  ...(dependsOn === undefined ? {} : { dependsOn })
})

describe("tables", () => {
  it("renders a header, a separator and rows padded to the header's width, escaping pipes", () => {
    expect(renderTable(["a", "b"], [["1", "x|y"], ["2"]])).toBe(
      "| a | b |\n|---|---|\n| 1 | x\\|y |\n| 2 |  |\n"
    )
  })
})

describe("section blocks", () => {
  const doc = `# T\n\nintro\n\n${renderBlock("one", "One", "first")}\n${renderBlock("two", "Two", "second")}\nend\n`

  it("a block has its markers around its heading and body", () => {
    expect(renderBlock("x", "X", "body\n\n")).toBe("<!-- section:x -->\n## X\n\nbody\n<!-- /section:x -->\n")
    expect(findBlock(doc, "two")).toBe(renderBlock("two", "Two", "second"))
    expect(findBlock(doc, "three")).toBeUndefined()
  })

  it("replacing a block leaves the rest of the document as it was", () => {
    const updated = replaceBlock(doc, "one", renderBlock("one", "One", "new figures"))
    expect(updated).toBe(
      `# T\n\nintro\n\n${renderBlock("one", "One", "new figures")}\n${renderBlock("two", "Two", "second")}\nend\n`
    )
  })

  it("a block that is not in the document yet is added at its end", () => {
    expect(replaceBlock("# T\n", "x", "B\n")).toBe("# T\n\nB\n")
    expect(replaceBlock("", "x", "B\n")).toBe("B\n")
  })

  it("updateDocument writes the about block and the run sections in the sections' order into a new document", () => {
    const sections = [section("a"), section("b")]
    const about = { id: "about", title: "About", body: "machine" }
    const fresh = updateDocument(undefined, sections, about, new Map([["b", "B1"], ["a", "A1"]]))
    expect(fresh).toBe(
      `${documentTitle}\n${renderBlock("about", "About", "machine")}\n${renderBlock("a", "Title a", "A1")}\n${
        renderBlock("b", "Title b", "B1")
      }`
    )
    const again = updateDocument(fresh, sections, { ...about, body: "machine 2" }, new Map([["b", "B2"]]))
    expect(again).toBe(
      `${documentTitle}\n${renderBlock("about", "About", "machine 2")}\n${renderBlock("a", "Title a", "A1")}\n${
        renderBlock("b", "Title b", "B2")
      }`
    )
  })
})

describe("the runner's command line and plan", () => {
  it("reads --smoke and --only in its forms", () => {
    expect(parseArguments([])).toEqual({ smoke: false, only: [] })
    expect(parseArguments(["--smoke", "--only", "a,b", "--only=c"])).toEqual({ smoke: true, only: ["a", "b", "c"] })
    expect(() => parseArguments(["--fast"])).toThrow(/unknown argument --fast/)
  })

  it("runs every section, each after the sections it depends on", () => {
    const sections = [section("summary", ["m1", "m3"]), section("m1"), section("m3"), section("other")]
    expect(plan(sections, []).map((s) => s.id)).toEqual(["m1", "m3", "summary", "other"])
  })

  it("--only runs the chosen section and the sections computed from it", () => {
    const sections = [section("summary", ["m1", "m3"]), section("m1"), section("m3"), section("other")]
    expect(plan(sections, ["m3"]).map((s) => s.id)).toEqual(["m3", "summary"])
    expect(plan(sections, ["other"]).map((s) => s.id)).toEqual(["other"])
    expect(() => plan(sections, ["nope"])).toThrow(/unknown section nope/)
  })

  it("a smoke run leaves out the sections marked smoke: false, unless chosen with --only", () => {
    const sections = [section("m1"), { ...section("long"), smoke: false }, section("other")]
    expect(plan(sections, [], true).map((s) => s.id)).toEqual(["m1", "other"])
    expect(plan(sections, []).map((s) => s.id)).toEqual(["m1", "long", "other"])
    expect(plan(sections, ["long"], true).map((s) => s.id)).toEqual(["long"])
  })
})
