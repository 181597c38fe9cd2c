/**
 * The runner behind `pnpm bench`: which sections run, in which order, and the document they make.
 */
import type { Section } from "../Section.js"
import { renderBlock, replaceBlock } from "./markdown.js"

/** The command line of `pnpm bench`. */
export interface Arguments {
  readonly smoke: boolean
  /** The ids given with `--only` (several with commas or repeated flags); empty: every section. */
  readonly only: ReadonlyArray<string>
}

/** Reads `--smoke` and `--only <id>[,<id>…]` (also `--only=<id>`). */
export const parseArguments = (argv: ReadonlyArray<string>): Arguments => {
  const only: Array<string> = []
  let smoke = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === "--smoke") smoke = true
    else if (arg === "--only") only.push(...(argv[++i] ?? "").split(","))
    else if (arg.startsWith("--only=")) only.push(...arg.slice("--only=".length).split(","))
    else throw new Error(`unknown argument ${arg}: use --smoke and --only <section id>`)
  }
  return { smoke, only: only.filter((id) => id !== "") }
}

/**
 * The sections to run, in the order to run them: the selected ones (all without `--only`; in a smoke run, all but those
 * with `smoke: false`) and every section that depends on one of them, each after the sections it depends on.
 */
export const plan = (
  sections: ReadonlyArray<Section>,
  only: ReadonlyArray<string>,
  smoke: boolean = false
): Array<Section> => {
  const unknown = only.filter((id) => !sections.some((s) => s.id === id))
  if (unknown.length > 0) {
    throw new Error(`unknown section ${unknown.join(", ")}; the sections are ${sections.map((s) => s.id).join(", ")}`)
  }
  const selected = new Set(
    only.length > 0 ? only : sections.filter((s) => !smoke || s.smoke !== false).map((s) => s.id)
  )
  let grew = true
  while (grew) {
    grew = false
    for (const section of sections) {
      if (!selected.has(section.id) && (section.dependsOn ?? []).some((id) => selected.has(id))) {
        selected.add(section.id)
        grew = true
      }
    }
  }
  const ordered: Array<Section> = []
  const visit = (section: Section, path: ReadonlyArray<string>) => {
    if (ordered.includes(section) || !selected.has(section.id)) return
    if (path.includes(section.id)) {
      throw new Error(`sections depend on each other: ${[...path, section.id].join(" → ")}`)
    }
    for (const id of section.dependsOn ?? []) {
      const dependency = sections.find((s) => s.id === id)
      if (dependency !== undefined) visit(dependency, [...path, section.id])
    }
    ordered.push(section)
  }
  for (const section of sections) visit(section, [])
  return ordered
}

/** The document's opening, for a new document. */
export const documentTitle = "# Benchmarks\n\n" +
  "Written by `pnpm bench` (every section) or `pnpm bench --only <id>` (one section, and the sections computed from " +
  "it: only their blocks are replaced). Do not edit by hand: the text between the section markers is regenerated.\n"

/**
 * The document with the given blocks replaced (or added, in the sections' order): `blocks` holds a section's Markdown
 * by id; `about` is the opening block about the machine and the method.
 */
export const updateDocument = (
  existing: string | undefined,
  sections: ReadonlyArray<Section>,
  about: { readonly id: string; readonly title: string; readonly body: string },
  blocks: ReadonlyMap<string, string>
): string => {
  let document = existing ?? documentTitle
  document = replaceBlock(document, about.id, renderBlock(about.id, about.title, about.body))
  for (const section of sections) {
    const body = blocks.get(section.id)
    if (body !== undefined) document = replaceBlock(document, section.id, renderBlock(section.id, section.title, body))
  }
  return document
}
