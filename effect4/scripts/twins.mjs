// The parity check of the two lines: every test of an Effect 3 package or example (packages/<name>/test,
// examples/<name>/test) has its twin, a test of the same title, in the Effect 4 package or example of the same folder
// (effect4/packages/<name>/test, effect4/examples/<name>/test), and every test there is the twin of one of the
// Effect 3 line. Tests are matched by their own title, whatever file or `describe` holds them, so that either suite
// can be reorganised; so no two tests of a package may share a title (a title held twice fails the check). A test of
// the Effect 3 line not ported yet is named, with the reason, in the Effect 4 folder's test/pending.json; a pending
// test that has its twin, or that the Effect 3 line no longer has, fails the check too. Every package and example of
// the Effect 4 line is checked.
//
// Every test counts, as vitest runs it: the test files are parsed with TypeScript, and
// - a table (`it.each(cases)("title %s", …)`, `it.effect.each`, `describe.each`, `.for`) is one test per case, titled
//   by the table's title with the case's values put in (`%s`, `%d`, `%#`, `$name`…; a literal by its value, anything
//   else as written: `Duration.millis(10)`); a test inside a `describe.each` is one test per case of it, its title
//   prefixed by the case's ("GET /repeaters › accepts the right token");
// - a test in a `for (const value of values)` loop is one test per value, its `${value}` (or `${String(value)}`,
//   `${JSON.stringify(value)}`) filled in, or, if its title says the value otherwise (`${label(value)}`), its title as
//   written followed by the values: "every: ${label(value)} is rejected (value: -5)";
// - a function of the folder's own modules that makes tests (`storageCases("real SQLite", Sqlite)`) makes them at
//   each call, titled "storageCases(real SQLite) › <title>" by the call's string arguments.
// The cases or values are array literals, in place or in a `const` of the file or of a module it imports from the
// folder (spreads of such arrays included). A title, table or loop the script cannot read (a title not a string, cases
// it cannot find, a test in another kind of loop or in a function it cannot follow) is reported and fails the check:
// nothing is counted as one test when vitest may run it many times.
//
//   node scripts/twins.mjs                   check
//   node scripts/twins.mjs --pending <name>  print the pending.json the two suites of <name> (core, or
//                                            examples/token-cleanup) call for (reasons of the current one kept)
//   node scripts/twins.mjs --list <dir>      print the titles of the tests of a test folder, one a line
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const effect4 = join(dirname(fileURLToPath(import.meta.url)), "..")
const ts = createRequire(join(effect4, "package.json"))("typescript")
const readPending = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {})

const testRoots = new Set(["it", "test", "describe"])
const tableMethods = new Set(["each", "for"])
/** The names of a chain such as `it.effect.each` (["it", "effect", "each"]), or undefined if it is not one. */
const chain = (node) => {
  if (ts.isIdentifier(node)) return [node.text]
  if (ts.isPropertyAccessExpression(node)) {
    const left = chain(node.expression)
    return left === undefined ? undefined : [...left, node.name.text]
  }
  return undefined
}
/** A value of a table case or loop kept as written in the source (`Duration.millis(10)`). */
class Written {
  constructor(text) {
    this.text = text
  }
}
/**
 * The value of a table case or of one of its parts: a string, number, boolean or null literal is its value, an array or
 * object literal is made of its parts' values, anything else is kept as written (`Duration.millis(10)`, `Number.NaN`).
 */
const valueOf = (node) => {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text
  if (ts.isNumericLiteral(node)) return Number(node.text)
  if (
    ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(node.operand)
  ) {
    return -Number(node.operand.text)
  }
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false
  if (node.kind === ts.SyntaxKind.NullKeyword) return null
  if (ts.isAsExpression(node) || ts.isParenthesizedExpression(node) || ts.isSatisfiesExpression(node)) {
    return valueOf(node.expression)
  }
  if (ts.isArrayLiteralExpression(node) && !node.elements.some(ts.isSpreadElement)) return node.elements.map(valueOf)
  if (
    ts.isObjectLiteralExpression(node) &&
    node.properties.every((property) =>
      ts.isPropertyAssignment(property) && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))
    )
  ) {
    return Object.fromEntries(node.properties.map((property) => [property.name.text, valueOf(property.initializer)]))
  }
  return new Written(node.getText())
}
const show = (value) =>
  typeof value === "string"
    ? value
    : value instanceof Written
    ? value.text
    : Array.isArray(value)
    ? `[${value.map(show).join(", ")}]`
    : value !== null && typeof value === "object"
    ? `{ ${Object.entries(value).map(([key, part]) => `${key}: ${show(part)}`).join(", ")} }`
    : String(value)
/** A case's title: the table's title with the case's values put in, much as vitest does. */
const caseTitle = (title, node, index) => {
  const value = valueOf(node)
  if (value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Written)) {
    return title.replace(
      /\$([A-Za-z_]\w*(?:\.\w+)*)/g,
      (_, path) => show(path.split(".").reduce((at, key) => at?.[key], value))
    )
  }
  const args = Array.isArray(value) ? [...value] : [value]
  const filled = title.replace(/%%|%#|%\$|%[sdifjo]/g, (token) => {
    if (token === "%%") return "%"
    if (token === "%#") return String(index)
    if (token === "%$") return String(index + 1)
    return show(args.shift())
  })
  return filled.replace(/\$(\d+)/g, (_, at) => show(Array.isArray(value) ? value[Number(at)] : undefined))
}
const withoutWrappers = (node) =>
  ts.isAsExpression(node) || ts.isParenthesizedExpression(node) || ts.isSatisfiesExpression(node)
    ? withoutWrappers(node.expression)
    : node
/**
 * A module of a test folder, read once: its source, the constants it declares (anywhere in it) and those it imports
 * by name from a module of its own (`import { zero } from "./support/rejections.js"`), and the functions it exports.
 */
const modules = new Map()
const moduleAt = (path) => {
  const known = modules.get(path)
  if (known !== undefined) return known
  const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true)
  const module = { path, source, constants: new Map(), functions: new Map(), imported: new Map() }
  modules.set(path, module)
  const collect = (node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined) {
      const value = withoutWrappers(node.initializer)
      if (!module.constants.has(node.name.text)) module.constants.set(node.name.text, value)
      if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) module.functions.set(node.name.text, value)
    }
    if (ts.isFunctionDeclaration(node) && node.name !== undefined && node.body !== undefined) {
      module.functions.set(node.name.text, node)
    }
    ts.forEachChild(node, collect)
  }
  collect(source)
  for (const statement of source.statements) {
    const bindings = ts.isImportDeclaration(statement) ? statement.importClause?.namedBindings : undefined
    const from = ts.isImportDeclaration(statement) ? statement.moduleSpecifier.text : ""
    if (bindings === undefined || !ts.isNamedImports(bindings) || !from.startsWith(".")) continue
    const target = join(dirname(path), from).replace(/\.js$/, ".ts")
    if (!existsSync(target)) continue
    for (const element of bindings.elements) {
      module.imported.set(element.name.text, { path: target, name: (element.propertyName ?? element.name).text })
    }
  }
  return module
}
/** What a name of a module stands for: a constant or function of its own, or one it imports from a module of its own. */
const lookUp = (module, kind, name) => {
  const own = module[kind].get(name)
  if (own !== undefined) return { module, node: own }
  const imported = module.imported.get(name)
  return imported === undefined ? undefined : lookUp(moduleAt(imported.path), kind, imported.name)
}
/** The elements of an array literal, in place or in a constant, spreads of such arrays included; or undefined. */
const elementsOf = (module, node) => {
  const expression = withoutWrappers(node)
  const found = ts.isIdentifier(expression)
    ? lookUp(module, "constants", expression.text)
    : { module, node: expression }
  if (found === undefined || !ts.isArrayLiteralExpression(found.node)) return undefined
  const elements = []
  for (const element of found.node.elements) {
    if (!ts.isSpreadElement(element)) elements.push(element)
    else {
      const spread = elementsOf(found.module, element.expression)
      if (spread === undefined) return undefined
      elements.push(...spread)
    }
  }
  return elements
}
/** A `${…}` of a title made in a loop: a loop value, `String(value)` or `JSON.stringify(value)`, or undefined. */
const evaluate = (expression, bindings) => {
  const bound = (node) => (ts.isIdentifier(node) && bindings.has(node.text) ? bindings.get(node.text) : undefined)
  const direct = bound(expression)
  if (direct !== undefined) return show(valueOf(direct))
  if (ts.isCallExpression(expression) && expression.arguments.length === 1) {
    const argument = bound(expression.arguments[0])
    const value = argument === undefined ? undefined : valueOf(argument)
    const callee = expression.expression.getText()
    if (value !== undefined && callee === "String") return show(value)
    if (value !== undefined && callee === "JSON.stringify" && !(value instanceof Written)) return JSON.stringify(value)
  }
  return undefined
}
/** A test's title: a string, or a template of loop values filled in (with the values named if it cannot be). */
const titleOf = (node, bindings) => {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text
  if (!ts.isTemplateExpression(node)) return undefined
  const parts = node.templateSpans.map((span) => evaluate(span.expression, bindings))
  if (!parts.includes(undefined)) {
    return node.head.text + node.templateSpans.map((span, index) => parts[index] + span.literal.text).join("")
  }
  // as written (`every: ${label(value)} is rejected`), with the loop values it is made with
  const values = [...bindings].map(([name, value]) => `${name}: ${show(valueOf(value))}`)
  return node.getText().slice(1, -1) + (values.length > 0 ? ` (${values.join(", ")})` : "")
}
const isFunction = (node) => ts.isArrowFunction(node) || ts.isFunctionExpression(node)
/** Binds a loop's variable or a function's parameter (or the names of an array pattern) to a value. */
const bind = (name, value, bindings) => {
  if (value === undefined) return bindings
  if (ts.isIdentifier(name)) return new Map([...bindings, [name.text, value]])
  const parts = ts.isArrayLiteralExpression(withoutWrappers(value))
    ? withoutWrappers(value).elements
    : []
  let next = bindings
  name.elements.forEach((element, index) => {
    if (ts.isBindingElement(element) && parts[index] !== undefined) next = bind(element.name, parts[index], next)
  })
  return next
}

/**
 * The tests of a folder's `*.test.ts` files: a list of { title, file, at } (at: file and line), with the problems met reading them (a
 * title, table or loop that cannot be read, a test made where the check cannot follow).
 */
const tests = (dir) => {
  const found = []
  const problems = []
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".test.ts")).sort()) {
    const line = (node) => node.getSourceFile().getLineAndCharacterOfPosition(node.getStart()).line + 1
    const where = (node) => {
      const at = node.getSourceFile().fileName
      return `${at === join(dir, file) ? file : at.slice(dir.length + 1)}:${line(node)}`
    }
    /** The titles of a table's cases, or undefined (reported) if its title or cases cannot be read. */
    const expand = (module, call, cases) => {
      const titleNode = call.arguments[0]
      if (
        titleNode === undefined || !(ts.isStringLiteral(titleNode) || ts.isNoSubstitutionTemplateLiteral(titleNode))
      ) {
        problems.push(`${where(call)}: a table whose title is not a string literal`)
        return undefined
      }
      const elements = elementsOf(module, cases)
      if (elements === undefined) {
        problems.push(`${where(call)}: the cases of the table "${titleNode.text}" cannot be read`)
        return undefined
      }
      return elements.map((element, index) => caseTitle(titleNode.text, element, index))
    }
    // context: the prefixes of the enclosing `describe.each` cases and shared-function calls, the values of the
    // enclosing loops and parameters, the shared functions being followed, and why tests here cannot be counted
    // (inside a function or loop the check cannot follow), if they cannot
    const visit = (module, node, context) => {
      const children = (at, inner = context) => ts.forEachChild(at, (child) => visit(module, child, inner))
      if (ts.isForOfStatement(node)) {
        const values = elementsOf(module, node.expression)
        const declaration = ts.isVariableDeclarationList(node.initializer)
          ? node.initializer.declarations[0]
          : undefined
        if (values === undefined || declaration === undefined) {
          return visit(module, node.statement, { ...context, opaque: "a loop whose values cannot be read" })
        }
        for (const value of values) {
          visit(module, node.statement, { ...context, bindings: bind(declaration.name, value, context.bindings) })
        }
        return
      }
      if (ts.isForStatement(node) || ts.isForInStatement(node) || ts.isWhileStatement(node) || ts.isDoStatement(node)) {
        return children(node, { ...context, opaque: "a loop the check cannot count" })
      }
      if (isFunction(node) || ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) {
        // a named function's tests are the tests of its calls, counted where it is called
        if ([...module.functions.values()].includes(node)) return
        return children(node, { ...context, opaque: "a function the check cannot follow" })
      }
      if (!ts.isCallExpression(node)) return children(node)
      if (ts.isTaggedTemplateExpression(node.expression) && testRoots.has(chain(node.expression.tag)?.[0])) {
        problems.push(`${where(node)}: a table written as a tagged template cannot be read`)
        return children(node)
      }
      const direct = chain(node.expression)
      const curried = ts.isCallExpression(node.expression) ? chain(node.expression.expression) : undefined
      const root = (direct ?? curried)?.[0]
      if (!testRoots.has(root)) {
        // a function of the test folder's own modules may make tests (`storageCases("real SQLite", Sqlite)`): they
        // are the tests of each call, titled "storageCases(real SQLite) › <title>" by its string arguments
        const shared = direct?.length === 1 ? lookUp(module, "functions", direct[0]) : undefined
        if (shared !== undefined && !context.following.includes(shared.node) && shared.node.body !== undefined) {
          const strings = node.arguments.filter((argument) => ts.isStringLiteral(argument)).map((argument) =>
            argument.text
          )
          const call = `${direct[0]}(${strings.join(", ")})`
          let bindings = context.bindings
          shared.node.parameters.forEach((parameter, index) => {
            bindings = bind(parameter.name, node.arguments[index], bindings)
          })
          visit(shared.module, shared.node.body, {
            ...context,
            prefixes: context.prefixes.map((prefix) => (prefix === "" ? call : `${prefix} › ${call}`)),
            bindings,
            following: [...context.following, shared.node]
          })
        }
        return children(node)
      }
      /** The callbacks of a describe (or of `it.layer`): their tests are in the same context. */
      const group = (inner) => {
        for (const argument of node.arguments) {
          if (!isFunction(argument)) visit(module, argument, inner)
          else if (ts.isBlock(argument.body)) children(argument.body, inner)
          else visit(module, argument.body, inner)
        }
      }
      if (direct !== undefined && tableMethods.has(direct.at(-1))) {
        // the table itself, `it.each(cases)`: its call with the title is visited as the curried form
        if (!(ts.isCallExpression(node.parent) && node.parent.expression === node)) {
          problems.push(`${where(node)}: a table not called with its title at once cannot be read`)
        }
        return children(node)
      }
      // `it.layer(layer)("title", (it) => …)` groups tests as a describe does
      if (curried !== undefined && curried.at(-1) === "layer") return group(context)
      const isTable = curried !== undefined && tableMethods.has(curried.at(-1))
      const titleNode = node.arguments[0]
      // a test: a table, a title with a function (`it.prop(title, arbitraries, body)` too), or a `todo`
      const isTest = root !== "describe" &&
        (isTable || node.arguments.slice(1).some(isFunction) || (direct ?? curried).includes("todo"))
      if (isTest && context.opaque !== undefined) {
        problems.push(`${where(node)}: a test in ${context.opaque}`)
        return children(node)
      }
      let titles
      if (isTable) titles = expand(module, node, node.expression.arguments[0])
      else if (titleNode !== undefined) {
        const title = titleOf(titleNode, context.bindings)
        if (title !== undefined) titles = [title]
        else if (isTest) problems.push(`${where(node)}: a test whose title is not a string literal`)
      }
      if (titles === undefined) return root === "describe" ? group(context) : children(node)
      const full = context.prefixes.flatMap((prefix) =>
        titles.map((title) => (prefix === "" ? title : `${prefix} › ${title}`))
      )
      // only a table of describes names its tests: a plain describe's title is not part of theirs
      if (root === "describe") return group(isTable ? { ...context, prefixes: full } : context)
      if (!isTest) return children(node)
      for (const title of full) found.push({ title, file, at: where(node) })
      children(node)
    }
    visit(moduleAt(join(dir, file)), moduleAt(join(dir, file)).source, {
      prefixes: [""],
      bindings: new Map(),
      following: [],
      opaque: undefined
    })
  }
  return { found, problems }
}

/** The tests by title, each title's first test kept; a title held by more than one test is a problem. */
const byTitle = ({ found, problems }) => {
  const titles = new Map()
  for (const test of found) {
    const first = titles.get(test.title)
    if (first === undefined) titles.set(test.title, test)
    else {
      problems.push(
        `"${test.title}" is the title of more than one test (${first.at} and ${test.at}):` +
          " give each a title that says what it checks"
      )
    }
  }
  return { titles, problems }
}

const listed = process.argv.includes("--list") ? process.argv[process.argv.indexOf("--list") + 1] : undefined
if (listed !== undefined) {
  const { found, problems } = tests(listed)
  for (const { title, at } of found) console.log(`${at}\t${title}`)
  for (const problem of problems) console.log(`  ✗ ${problem}`)
  process.exit(problems.length > 0 ? 1 : 0)
}
const pendingFor = process.argv.includes("--pending") ? process.argv[process.argv.indexOf("--pending") + 1] : undefined
// every package and every example of the Effect 4 line, named by its folder (packages/core, examples/token-cleanup)
const names = ["packages", "examples"].flatMap((group) =>
  existsSync(join(effect4, group))
    ? readdirSync(join(effect4, group)).filter((name) => existsSync(join(effect4, group, name, "test"))).map((name) =>
      `${group}/${name}`
    )
    : []
)
let failed = false
for (const name of names.sort()) {
  const effect3Tests = join(effect4, "..", name, "test")
  const effect4Tests = join(effect4, name, "test")
  const pending = readPending(join(effect4Tests, "pending.json"))
  const three = byTitle(existsSync(effect3Tests) ? tests(effect3Tests) : { found: [], problems: [] })
  const four = byTitle(tests(effect4Tests))
  const problems = [
    ...three.problems.map((problem) => `Effect 3 ${name}: ${problem}`),
    ...four.problems.map((problem) => `Effect 4 ${name}: ${problem}`)
  ]
  let twins = 0
  if (three.titles.size === 0) problems.push(`the Effect 3 line has no tests of ${name}`)
  for (const [title, { at }] of three.titles) {
    if (four.titles.has(title)) {
      twins++
      if (pending[title] !== undefined) problems.push(`"${title}" (${at}) has its twin, but is still pending`)
    } else if (pending[title] === undefined) {
      problems.push(`"${title}" (${at}) has no twin in the Effect 4 ${name} and is not pending`)
    }
  }
  for (const [title, { at }] of four.titles) {
    if (!three.titles.has(title)) {
      problems.push(`"${title}" (${at}) is a test of the Effect 4 ${name} without its Effect 3 twin`)
    }
  }
  for (const title of Object.keys(pending)) {
    if (!three.titles.has(title)) {
      problems.push(`pending.json of ${name} names "${title}", which the Effect 3 ${name} does not have`)
    }
  }
  if (pendingFor === name || pendingFor === name.replace(/^packages\//, "")) {
    const next = {}
    for (const [title, { file }] of three.titles) {
      if (!four.titles.has(title)) next[title] = pending[title] ?? `not ported yet (${file})`
    }
    console.log(JSON.stringify(next, null, 2))
  } else if (pendingFor === undefined) {
    console.log(
      `${name} twins: ${twins} of the Effect 3 ${name}'s ${three.titles.size} tests have their twin in the Effect 4 ${name}` +
        ` (${Object.keys(pending).length} pending)`
    )
    for (const problem of problems) console.log(`  ✗ ${problem}`)
    failed ||= problems.length > 0
  }
}
process.exitCode = failed ? 1 : 0
