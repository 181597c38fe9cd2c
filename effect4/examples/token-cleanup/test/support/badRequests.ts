/** Every kind of bad `POST /tokens` request, with the message its 400 response must carry. */
export interface BadRequestCase {
  readonly name: string
  /** The Content-Type header; `null`: none. */
  readonly contentType: string | null
  readonly body: string
  readonly message: string
}

const rule = "a whole number of seconds from 1 to 31536000 (365 days)"

/** An array nested `depth` deep: `[[[...]]]`, 2 bytes a level. */
const deepArray = (depth: number) => "[".repeat(depth) + "]".repeat(depth)

/** An object nested `depth` deep: `{"a":{"a":...1}}`, 6 bytes a level. */
const deepObject = (depth: number) => `{"a":`.repeat(depth) + "1" + "}".repeat(depth)

export const badRequests: ReadonlyArray<BadRequestCase> = [
  {
    name: "missing ttl",
    contentType: "application/json",
    body: `{}`,
    message: `"ttlSeconds" is missing: it must be ${rule}`
  },
  {
    name: "negative ttl",
    contentType: "application/json",
    body: `{"ttlSeconds": -5}`,
    message: `"ttlSeconds" must be ${rule}, got -5`
  },
  {
    name: "zero ttl",
    contentType: "application/json",
    body: `{"ttlSeconds": 0}`,
    message: `"ttlSeconds" must be ${rule}, got 0`
  },
  {
    name: "non-numeric ttl",
    contentType: "application/json",
    body: `{"ttlSeconds": "abc"}`,
    message: `"ttlSeconds" must be ${rule}, got "abc"`
  },
  {
    name: "numeric string ttl",
    contentType: "application/json",
    body: `{"ttlSeconds": "60"}`,
    message: `"ttlSeconds" must be ${rule}, got "60"`
  },
  {
    name: "fractional ttl",
    contentType: "application/json",
    body: `{"ttlSeconds": 1.5}`,
    message: `"ttlSeconds" must be ${rule}, got 1.5`
  },
  {
    name: "ttl over the maximum",
    contentType: "application/json",
    body: `{"ttlSeconds": 31536001}`,
    message: `"ttlSeconds" must be ${rule}, got 31536001`
  },
  {
    name: "infinite ttl",
    contentType: "application/json",
    body: `{"ttlSeconds": 1e999}`,
    message: `"ttlSeconds" must be ${rule}, got Infinity`
  },
  {
    name: "null ttl",
    contentType: "application/json",
    body: `{"ttlSeconds": null}`,
    message: `"ttlSeconds" must be ${rule}, got null`
  },
  {
    name: "unknown field",
    contentType: "application/json",
    body: `{"ttlSeconds": 60, "scope": "admin"}`,
    message: `unknown field "scope": the body has one field, "ttlSeconds"`
  },
  {
    name: "misspelt field",
    contentType: "application/json",
    body: `{"ttl": 60}`,
    message: `unknown field "ttl": the body has one field, "ttlSeconds"; "ttlSeconds" is missing: it must be ${rule}`
  },
  {
    name: "malformed JSON",
    contentType: "application/json",
    body: `{"ttlSeconds": `,
    message: `the body is not valid JSON (Unexpected end of JSON input): "{\\"ttlSeconds\\": "`
  },
  {
    name: "JSON that is not an object",
    contentType: "application/json",
    body: `[60]`,
    message: `the body must be a JSON object like {"ttlSeconds": 60}, got [60]`
  },
  {
    name: "an array 8000 deep (16000 bytes)",
    contentType: "application/json",
    body: deepArray(8000),
    message: `the body must be a JSON object like {"ttlSeconds": 60}, got ${"[".repeat(77)}...`
  },
  {
    name: "an object 2700 deep",
    contentType: "application/json",
    body: deepObject(2700),
    message: `unknown field "a": the body has one field, "ttlSeconds"; "ttlSeconds" is missing: it must be ${rule}`
  },
  {
    name: "ttl an array 8000 deep",
    contentType: "application/json",
    body: `{"ttlSeconds": ${deepArray(8000)}}`,
    message: `"ttlSeconds" must be ${rule}, got ${"[".repeat(77)}...`
  },
  {
    name: "ttl an object 2700 deep",
    contentType: "application/json",
    body: `{"ttlSeconds": ${deepObject(2700)}}`,
    message: `"ttlSeconds" must be ${rule}, got ${`{"a":`.repeat(15)}{"...`
  },
  {
    name: "an unknown field holding an array 8000 deep",
    contentType: "application/json",
    body: `{"ttlSeconds": 60, "scope": ${deepArray(8000)}}`,
    message: `unknown field "scope": the body has one field, "ttlSeconds"`
  },
  {
    name: "empty body",
    contentType: "application/json",
    body: ``,
    message: `the body is empty: send a JSON object like {"ttlSeconds": 60}`
  },
  {
    name: "wrong content type",
    contentType: "text/plain",
    body: `{"ttlSeconds": 60}`,
    message: `the body must be JSON with "Content-Type: application/json", got "Content-Type: text/plain"`
  },
  {
    name: "form content type (curl -d without -H)",
    contentType: "application/x-www-form-urlencoded",
    body: `ttlSeconds=60`,
    message:
      `the body must be JSON with "Content-Type: application/json", got "Content-Type: application/x-www-form-urlencoded"`
  },
  {
    name: "no content type",
    contentType: null,
    body: `{"ttlSeconds": 60}`,
    message: `the body must be JSON with "Content-Type: application/json", got no Content-Type`
  }
]

/** Sends a bad request to `POST {baseUrl}/tokens`; returns its status and parsed body. */
export const send = async (baseUrl: string, badRequest: BadRequestCase) => {
  const body = new TextEncoder().encode(badRequest.body)
  const response = await fetch(`${baseUrl}/tokens`, {
    method: "POST",
    // a Uint8Array body: fetch adds no Content-Type of its own
    headers: badRequest.contentType === null ? {} : { "content-type": badRequest.contentType },
    body
  })
  return { status: response.status, body: await response.json() }
}
