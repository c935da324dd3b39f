// StrykerJS configuration of the JavaScript mutation run (scripts/mutants-js.sh runs it from the
// repository root): mutates the modules of the Actions' `api` objects (each trigger's folder under
// js_runtime/actions/ and js_runtime/actions/common/), the Actions runner and the Rule runner with
// its globals (js_runtime/rules/), and runs the Node tests of each trigger's api,
// tests/js/*_api.test.mjs, and of the runners, tests/js/runners.test.mjs, against every mutant. Each test file is one Stryker test: a
// mutant runs only the files whose run reached it. The report lands in target/mutation/js/.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "tap",
  tap: {
    testFiles: ["tests/js/*_api.test.mjs", "tests/js/runners.test.mjs"],
    nodeArgs: ["--test-reporter=tap", "-r", "{{hookFile}}", "{{testFile}}"],
    forceBail: true,
  },
  coverageAnalysis: "perTest",
  mutate: ["js_runtime/actions/*/*.js", "js_runtime/actions/runner.js", "js_runtime/rules/rule_*.js"],
  // The sandbox copy holds only what the api tests read: js_runtime/, the default events
  // (src/actions/events/), the example tenant (fixtures/) and tests/js/ without its node_modules.
  ignorePatterns: [
    "/*",
    "!/js_runtime",
    "!/src",
    "/src/*",
    "!/src/actions",
    "!/fixtures",
    "!/tests",
    "/tests/*",
    "!/tests/js",
    "/tests/js/node_modules",
  ],
  symlinkNodeModules: false,
  concurrency: 1,
  timeoutMS: 10000,
  reporters: ["clear-text", "progress-append-only", "json", "html"],
  jsonReporter: { fileName: "target/mutation/js/mutation.json" },
  htmlReporter: { fileName: "target/mutation/js/mutation.html" },
  tempDirName: "target/mutation/js/stryker-tmp",
  cleanTempDir: true,
  thresholds: { high: 90, low: 85, break: null },
};
