import * as effectEslint from "@effect/eslint-plugin"
import js from "@eslint/js"
import tseslint from "typescript-eslint"

export default tseslint.config(
  {
    ignores: ["**/node_modules", "**/build", "**/dist", "**/data", "**/*.md"]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...effectEslint.configs.dprint,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: {
        console: "readonly",
        process: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        URL: "readonly"
      }
    },
    rules: {
      "object-shorthand": "error",
      "no-console": "off",
      "no-unused-vars": "off",
      "require-yield": "off",
      "prefer-rest-params": "off",
      "prefer-spread": "off",
      "@typescript-eslint/array-type": ["warn", { default: "generic", readonly: "generic" }],
      "@typescript-eslint/consistent-type-imports": "warn",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-namespace": "off",
      "@typescript-eslint/no-empty-object-type": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@effect/dprint": [
        "error",
        {
          config: {
            indentWidth: 2,
            lineWidth: 120,
            semiColons: "asi",
            quoteStyle: "alwaysDouble",
            trailingCommas: "never",
            operatorPosition: "maintain",
            "arrowFunction.useParentheses": "force"
          }
        }
      ]
    }
  },
  {
    files: ["packages/*/src/**/*", "effect4/packages/*/src/**/*"],
    rules: {
      "no-console": "error",
      "@effect/no-import-from-barrel-package": ["error", {
        packageNames: ["effect", "@effect/platform", "@effect/sql"]
      }]
    }
  },
  {
    // The kernel has no dependency at all: not Effect, not Node's modules, nothing but its own files; and it
    // reads time and sets timers only through the TimeSource it is given.
    files: ["packages/kernel/src/**/*"],
    rules: {
      "no-restricted-globals": [
        "error",
        ...["setTimeout", "clearTimeout", "setInterval", "clearInterval", "setImmediate", "queueMicrotask"].map((
          name
        ) => ({ name, message: "The kernel sets timers only through its TimeSource." })),
        ...["Date", "performance", "process"].map((name) => ({
          name,
          message: "The kernel reads time only through its TimeSource, and knows nothing of its host."
        }))
      ],
      "no-restricted-imports": ["error", {
        paths: [
          { name: "effect", message: "The kernel does not depend on Effect: bindings (core) do." }
        ],
        patterns: [
          {
            group: ["effect/*", "@effect/*"],
            message: "The kernel does not depend on Effect: bindings (core) do."
          },
          {
            regex: "^(?!\\.{1,2}/)",
            message: "The kernel has no dependency: import its own modules only, by a relative path."
          }
        ]
      }]
    }
  },
  {
    // The dashboard has no dependency at all: its page and script are text, served by both lines' http packages.
    files: ["packages/dashboard/src/**/*"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [
          {
            regex: "^(?!\\.{1,2}/)",
            message: "The dashboard has no dependency: import its own modules only, by a relative path."
          }
        ]
      }]
    }
  },
  {
    // Every timer, sleep and timeout on a duration a user gives goes through core's LongWait, which splits waits
    // longer than 2^31 - 1 ms (a longer setTimeout fires at once; Effect 3's default Clock never ends such a sleep).
    // A fixed internal constant may use the raw forms, with an eslint-disable comment saying so.
    files: ["packages/{core,node,http,cluster}/src/**/*", "effect4/packages/{core,node,http,cluster}/src/**/*"],
    ignores: [
      "packages/core/src/LongWait.ts",
      "packages/core/src/internal/sleep.ts",
      "effect4/packages/core/src/LongWait.ts",
      "effect4/packages/core/src/internal/sleep.ts"
    ],
    rules: {
      "no-restricted-syntax": ["error", {
        selector: "CallExpression[callee.type='Identifier'][callee.name='setTimeout']",
        message: "Use setTimer of @effect-repeater/core/LongWait: a raw setTimeout fires at once above 2^31 - 1 ms."
      }, {
        selector:
          "MemberExpression[object.name='Effect'][property.name=/^(sleep|timeout|timeoutFail|timeoutFailCause|timeoutOption|timeoutOrElse|timeoutTo)$/]",
        message: "Use @effect-repeater/core/LongWait: Effect 3's default Clock never ends a sleep above 2^31 - 1 ms."
      }]
    }
  }
)
