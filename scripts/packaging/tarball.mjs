// Reads the file list of a .tgz produced by `pnpm pack` (gzip + ustar), without a tar binary.
import { readFile } from "node:fs/promises"
import { gunzipSync } from "node:zlib"

const field = (block, start, length) => {
  const text = block.subarray(start, start + length).toString("utf8")
  const end = text.indexOf("\0")
  return end === -1 ? text : text.slice(0, end)
}

/** The regular files of a tarball: `[{ path, size }]`, paths without the leading `package/`, sorted. */
export const listTarball = async (tarballPath) => {
  const data = gunzipSync(await readFile(tarballPath))
  const files = []
  let offset = 0
  let longName
  while (offset + 512 <= data.length) {
    const header = data.subarray(offset, offset + 512)
    if (header.every((byte) => byte === 0)) break
    const size = parseInt(field(header, 124, 12).trim() || "0", 8)
    const type = field(header, 156, 1)
    const body = data.subarray(offset + 512, offset + 512 + size)
    offset += 512 + Math.ceil(size / 512) * 512
    if (type === "L") {
      longName = field(body, 0, body.length)
      continue
    }
    if (type === "x" || type === "g") {
      const match = /\d+ path=([^\n]*)\n/.exec(body.toString("utf8"))
      if (match) longName = match[1]
      continue
    }
    const prefix = field(header, 345, 155)
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100))
    longName = undefined
    if (type === "0" || type === "" || type === "\0") {
      files.push({ path: name.replace(/^[^/]+\//, ""), size })
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}
