/**
 * Markdown of `docs/benchmarks.md`: tables, and the blocks that each section owns.
 */

const escapeCell = (cell: string): string => cell.replace(/\|/g, "\\|").replace(/\r?\n/g, " ")

/** A GitHub Markdown table; every row is padded or cut to the header's width. */
export const renderTable = (
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>
): string => {
  const line = (cells: ReadonlyArray<string>) => `| ${header.map((_, i) => escapeCell(cells[i] ?? "")).join(" | ")} |`
  return [line(header), `|${header.map(() => "---").join("|")}|`, ...rows.map(line)].join("\n") + "\n"
}

/** The opening marker of a section's block. */
export const openMarker = (id: string): string => `<!-- section:${id} -->`

/** The closing marker of a section's block. */
export const closeMarker = (id: string): string => `<!-- /section:${id} -->`

/** A section's block: its markers around its heading and body. */
export const renderBlock = (id: string, title: string, body: string): string =>
  `${openMarker(id)}\n## ${title}\n\n${body.trimEnd()}\n${closeMarker(id)}\n`

/** The block of a section in a document, markers included, or undefined. */
export const findBlock = (document: string, id: string): string | undefined => {
  const start = document.indexOf(openMarker(id))
  if (start < 0) return undefined
  const close = closeMarker(id)
  const end = document.indexOf(close, start)
  if (end < 0) return undefined
  let stop = end + close.length
  if (document[stop] === "\n") stop += 1
  return document.slice(start, stop)
}

/**
 * Puts a block (as made by `renderBlock`) into a document: in place of the block with the same id, leaving the rest
 * of the document as it was, or at the end when the document has no such block yet.
 */
export const replaceBlock = (document: string, id: string, block: string): string => {
  const current = findBlock(document, id)
  if (current !== undefined) {
    const start = document.indexOf(current)
    return document.slice(0, start) + block + document.slice(start + current.length)
  }
  if (document.length === 0) return block
  return document.endsWith("\n\n")
    ? document + block
    : document.endsWith("\n")
    ? `${document}\n${block}`
    : `${document}\n\n${block}`
}
