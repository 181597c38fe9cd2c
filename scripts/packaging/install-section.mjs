// Reads what the README's "Install" section tells a user to install.
import { readFile } from "node:fs/promises"
import { CheckError } from "./run.mjs"

const STEP = "readme install section"

/** The `npm install` lines of the "## Install" section of `readmePath`, as argument lists (without `npm install`). */
export const installLines = async (readmePath) => {
  const text = await readFile(readmePath, "utf8")
  const lines = text.split("\n")
  const start = lines.findIndex((line) => /^##\s+Install\b/.test(line))
  if (start === -1) {
    throw new CheckError(
      STEP,
      `${readmePath} has no "## Install" section: it must say, in one \`npm install ...\` line per package, ` +
        "what to install (the package and its peers with their versions)"
    )
  }
  // the section ends at the next heading of level 1 or 2 outside a fenced block (a `# comment` in one is no heading)
  let fenced = false
  const end = lines.findIndex((line, i) => {
    if (/^\s*```/.test(line)) fenced = !fenced
    return i > start && !fenced && /^#{1,2}\s/.test(line)
  })
  const section = lines.slice(start + 1, end === -1 ? undefined : end)
  const commands = []
  let inShell = false
  let pending = ""
  for (const line of section) {
    if (/^\s*```/.test(line)) {
      inShell = !inShell && /^\s*```(sh|bash|shell|console)?\s*$/.test(line)
      continue
    }
    if (!inShell) continue
    const code = line.replace(/(^|\s)#.*$/, "").trim()
    if (code.endsWith("\\")) {
      pending += code.slice(0, -1) + " "
      continue
    }
    const command = (pending + code).trim().replace(/^\$\s+/, "")
    pending = ""
    const words = command.split(/\s+/).map((word) => word.replace(/^(["'])(.*)\1$/, "$2"))
    if (words[0] === "npm" && (words[1] === "install" || words[1] === "i")) {
      commands.push(words.slice(2).filter((word) => !word.startsWith("-")))
    }
  }
  if (commands.length === 0) {
    throw new CheckError(
      STEP,
      `the "## Install" section of ${readmePath} has no \`npm install ...\` line in a sh block`
    )
  }
  return commands
}

/**
 * The arguments of one `npm install` for all the README's lines: each `@effect-repeater/<x>` replaced by its
 * tarball, deduplicated. Fails when a public package has no line of its own or a line names an unknown one.
 */
export const installArguments = (commands, packed) => {
  const tarballs = new Map(packed.map((p) => [p.name, p.tarball]))
  const args = new Set()
  for (const words of commands) {
    for (const word of words) {
      const name = /^(@effect-repeater\/[^@\s]+)(@.*)?$/.exec(word)?.[1]
      if (name === undefined) {
        args.add(word)
        continue
      }
      const tarball = tarballs.get(name)
      if (tarball === undefined) {
        throw new CheckError(
          STEP,
          `the Install section names ${name}, which is not a public package of this repository`
        )
      }
      args.add(tarball)
    }
  }
  const firsts = new Set(commands.map((words) => words.find((word) => word.startsWith("@effect-repeater/"))))
  for (const { name } of packed) {
    if (!firsts.has(name)) {
      throw new CheckError(STEP, `the Install section has no \`npm install ${name} ...\` line`, { pkg: name })
    }
  }
  return [...args]
}
