// The dashboard's page and script, as text: the same files for every server that serves them.

/** The `sessionStorage` key of the token: kept for the browser tab only. */
/** @internal */
export const storageKey = "effect-repeater-admin-token"

/** @internal */
export const style = `
:root { font-family: system-ui, sans-serif; color-scheme: light dark; }
[hidden] { display: none !important; }
body { margin: 1.5rem; }
header { display: flex; gap: 1rem; align-items: baseline; }
h1 { font-size: 1.4rem; margin: 0 0 1rem 0; }
#connection { color: #888; }
form { display: flex; gap: .5rem; align-items: center; }
#login-error { color: #c0392b; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #8884; vertical-align: top; white-space: nowrap; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
td.error { color: #c0392b; max-width: 28rem; white-space: pre-wrap; word-break: break-word; }
.state { font-weight: 600; }
.state-paused, .state-stopping { color: #b9770e; }
.state-running { color: #1e8449; }
.state-failed { color: #c0392b; }
button { margin-right: .25rem; }
`

/**
 * The page: a token form and a loader that fetches the dashboard's script
 * with the token. Without the token it shows nothing but the form.
 *
 * @internal
 */
export const loader = `
(() => {
  "use strict"
  const key = ${JSON.stringify(storageKey)}
  const base = location.pathname.replace(/\\/dashboard\\/?$/, "")
  const form = document.getElementById("login")
  const input = document.getElementById("token")
  const error = document.getElementById("login-error")
  const ask = (message) => {
    error.textContent = message
    form.hidden = false
    input.focus()
  }
  const start = async () => {
    const token = sessionStorage.getItem(key)
    let response
    try {
      response = await fetch(base + "/dashboard/app.js", {
        headers: token === null ? {} : { authorization: "Bearer " + token },
        cache: "no-store"
      })
    } catch (cause) {
      return ask("The server cannot be reached")
    }
    if (response.status === 401) {
      sessionStorage.removeItem(key)
      return ask(token === null ? "" : "That token was not accepted")
    }
    if (!response.ok) return ask("The server answered " + response.status)
    const code = await response.text()
    const script = document.createElement("script")
    script.src = URL.createObjectURL(new Blob([code], { type: "text/javascript" }))
    document.body.append(script)
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault()
    const token = input.value.trim()
    if (token === "") return
    sessionStorage.setItem(key, token)
    input.value = ""
    form.hidden = true
    start()
  })
  start()
})()
`

/**
 * The dashboard itself: the table, the buttons and the live event stream.
 *
 * @internal
 */
export const app = `
(() => {
  "use strict"
  const key = ${JSON.stringify(storageKey)}
  const base = location.pathname.replace(/\\/dashboard\\/?$/, "")
  const main = document.getElementById("app")
  const rows = document.getElementById("rows")
  const connection = document.getElementById("connection")
  const logout = document.getElementById("logout")

  const headers = (extra) => {
    const token = sessionStorage.getItem(key)
    return token === null ? { ...extra } : { ...extra, authorization: "Bearer " + token }
  }
  const signOut = () => {
    sessionStorage.removeItem(key)
    location.reload()
  }
  const api = async (path, method) => {
    const response = await fetch(base + path, { method: method ?? "GET", headers: headers({}), cache: "no-store" })
    if (response.status === 401) {
      signOut()
      throw new Error("The token was not accepted")
    }
    if (!response.ok) throw new Error((method ?? "GET") + " " + base + path + " answered " + response.status)
    return response.json()
  }

  // A pretty-printed Cause without its stack frames: "SqlError: Failed to execute statement; cause: SqliteError: no such table: tokens"
  const summary = (cause) => cause.split("\\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && line !== "}" && !line.startsWith("at "))
    .map((line) => line.replace(/ \\{$/, "").replace(/^\\[cause\\]: /, "cause: "))
    .join("; ")
  const time = (iso) => iso === null ? "—" : new Date(iso).toLocaleString()
  const cell = (row, text, className) => {
    const td = document.createElement("td")
    td.textContent = text
    if (className !== undefined) td.className = className
    row.append(td)
    return td
  }
  const actions = [["run", "Run now"], ["pause", "Pause"], ["resume", "Resume"]]
  const ended = ["stopping", "stopped", "completed", "failed"]
  const render = (list) => {
    rows.replaceChildren(...list.map((status) => {
      const row = document.createElement("tr")
      row.dataset.name = status.name
      cell(row, status.name, "name")
      const state = cell(row, status.state + (status.inFlight && status.state !== "running" ? " (run in flight)" : ""))
      state.className = "state state-" + status.state
      state.dataset.field = "state"
      cell(row, String(status.runs), "number").dataset.field = "runs"
      cell(row, String(status.failures), "number").dataset.field = "failures"
      cell(row, time(status.lastStart)).dataset.field = "lastRun"
      cell(row, time(status.nextRun)).dataset.field = "nextRun"
      const error = cell(row, status.lastFailure === null ? "" : summary(status.lastFailure), "error")
      error.dataset.field = "lastError"
      if (status.lastFailure !== null) error.title = status.lastFailure
      const buttons = document.createElement("td")
      for (const [action, label] of actions) {
        const button = document.createElement("button")
        button.type = "button"
        button.dataset.action = action
        button.textContent = label
        button.disabled = ended.includes(status.state) ||
          (action === "pause" && status.state === "paused") ||
          (action === "resume" && status.state !== "paused")
        buttons.append(button)
      }
      row.append(buttons)
      return row
    }))
  }

  let timer
  const load = async () => {
    try {
      render(await api(""))
    } catch (cause) {
      connection.textContent = String(cause.message ?? cause)
    }
  }
  const refresh = () => {
    clearTimeout(timer)
    timer = setTimeout(load, 100)
  }

  rows.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-action]")
    if (button === null) return
    const name = button.closest("tr").dataset.name
    button.disabled = true
    try {
      await api("/" + encodeURIComponent(name) + "/" + button.dataset.action, "POST")
    } catch (cause) {
      connection.textContent = String(cause.message ?? cause)
    }
    refresh()
  })

  const listen = async () => {
    for (;;) {
      try {
        const response = await fetch(base + "/events", {
          headers: headers({ accept: "text/event-stream" }),
          cache: "no-store"
        })
        if (response.status === 401) return signOut()
        if (!response.ok || response.body === null) throw new Error("events answered " + response.status)
        connection.textContent = "live"
        refresh()
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
        let buffer = ""
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          buffer += value
          let end
          while ((end = buffer.indexOf("\\n\\n")) >= 0) {
            const message = buffer.slice(0, end)
            buffer = buffer.slice(end + 2)
            const data = message.split("\\n").filter((line) => line.startsWith("data:"))
            if (data.length > 0) refresh()
          }
        }
      } catch (cause) {
        // reconnects below
      }
      connection.textContent = "reconnecting…"
      await new Promise((resolve) => setTimeout(resolve, 2000))
    }
  }

  logout.hidden = sessionStorage.getItem(key) === null
  logout.addEventListener("click", signOut)
  main.hidden = false
  load()
  listen()
})()
`

/**
 * The page: the token form, the table, the style and the loader inline.
 *
 * @internal
 */
export const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Repeaters</title>
<style>${style}</style>
</head>
<body>
<header><h1>Repeaters</h1><span id="connection"></span><button id="logout" type="button" hidden>Forget the token</button></header>
<form id="login" hidden>
<label for="token">Admin token</label>
<input id="token" name="token" type="password" autocomplete="off" required>
<button type="submit">Open</button>
<span id="login-error" role="alert"></span>
</form>
<main id="app" hidden>
<table>
<thead><tr><th>Name</th><th>State</th><th>Runs</th><th>Failures</th><th>Last run</th><th>Next run</th><th>Last error</th><th>Actions</th></tr></thead>
<tbody id="rows"></tbody>
</table>
</main>
<script>${loader}</script>
</body>
</html>
`
