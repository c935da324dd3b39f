// The TypeScript declarations `actionhost types --out DIR` writes, checked with the TypeScript
// compiler API: every Action and Rule of the example tenant and of the fixtures type-checks
// (checkJs) with its handler typed by its trigger's namespace; wrong api calls and unknown
// event fields are type errors with the expected diagnostics; and the README's "Editor support"
// jsconfig.json and example script, copied from the README as written, work as the README says.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync, symlinkSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const BINARY = process.env.ACTIONHOST_BIN ?? join(ROOT, "target/release/actionhost");

// Each handler name and the namespace of its trigger in the declarations.
const HANDLERS = {
  onExecutePostLogin: "PostLogin",
  onContinuePostLogin: "PostLogin",
  onExecuteCredentialsExchange: "CredentialsExchange",
  onExecutePreUserRegistration: "PreUserRegistration",
  onContinuePreUserRegistration: "PreUserRegistration",
  onExecutePostUserRegistration: "PostUserRegistration",
  onExecutePostChangePassword: "PostChangePassword",
  onExecuteSendPhoneMessage: "SendPhoneMessage",
  onExecutePostChallenge: "PasswordResetPostChallenge",
  onContinuePostChallenge: "PasswordResetPostChallenge",
  onExecuteCustomTokenExchange: "CustomTokenExchange",
  onExecuteCustomEmailProvider: "CustomEmailProvider",
  onExecuteCustomPhoneProvider: "CustomPhoneProvider",
  onExecuteEventStream: "EventStream",
};

const OPTIONS = {
  allowJs: true,
  checkJs: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
  types: [],
};

/** `file:line: TSnnnn message` for each diagnostic of a program of `files`. */
function check(files, options = OPTIONS) {
  const program = ts.createProgram(files, options);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${relative(ROOT, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : "";
    return `${where}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

/** The script with its handlers (an Action) or its function (a Rule) typed, line numbers kept. */
function annotate(source, file) {
  if (/^\s*exports\.on(Execute|Continue)/m.test(source)) {
    return source.replace(/^exports\.(on(?:Execute|Continue)\w+)\s*=/gm, (all, handler) => {
      assert.ok(HANDLERS[handler], `${file}: unknown handler ${handler}`);
      return `/** @type {${HANDLERS[handler]}.Handler} */ ${all}`;
    });
  }
  assert.match(source, /^function\s*\w*\s*\(user, context, callback\)/m, `${file}: neither an Action nor a Rule`);
  return `module.exports = /** @type {Rules.Rule} */ (${source}\n);\n`;
}

/** Every Action and Rule script of the example tenant and of the fixtures the case suites run. */
function scripts() {
  const found = [];
  for (const name of readdirSync(join(ROOT, "fixtures/tenant/actions"))) {
    if (existsSync(join(ROOT, "fixtures/tenant/actions", name, "code.js"))) found.push(`fixtures/tenant/actions/${name}/code.js`);
  }
  for (const dir of ["fixtures/tenant/rules", "fixtures/scripts", "fixtures/parity"]) {
    for (const name of readdirSync(join(ROOT, dir))) if (name.endsWith(".js")) found.push(`${dir}/${name}`);
  }
  return found.sort();
}

let work;
let types;

before(() => {
  work = mkdtempSync(join(tmpdir(), "actionhost-types-"));
  types = join(work, "types");
  const out = execFileSync(BINARY, ["types", "--out", types], { encoding: "utf8" });
  const written = out.trim().split("\n");
  const files = readdirSync(types).sort();
  assert.deepEqual(written.map((line) => line.replace(/^wrote /, "")).sort(), files.map((f) => join(types, f)).sort());
});

describe("actionhost types", () => {
  it("writes a declaration for every trigger and for Rules, and they compile", () => {
    const files = readdirSync(types).sort();
    for (const name of [...new Set(Object.values(HANDLERS))].map((n) => n.replace(/[A-Z]/g, (c, i) => (i ? "-" : "") + c.toLowerCase()))) {
      assert.ok(files.includes(`${name}.d.ts`), `${name}.d.ts missing from ${files}`);
    }
    assert.ok(files.includes("rules.d.ts") && files.includes("index.d.ts"));
    assert.deepEqual(check([join(types, "index.d.ts")]), []);
  });

  it("type-checks every example Action and Rule with its trigger's types", () => {
    const dir = join(work, "annotated");
    const files = scripts().map((script) => {
      const target = join(dir, script);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, annotate(readFileSync(join(ROOT, script), "utf8"), script));
      return target;
    });
    assert.ok(files.length >= 20, `${files.length} scripts`);
    assert.deepEqual(check([join(types, "index.d.ts"), ...files]), []);
  });

  it("reports wrong api calls and unknown event fields with the expected diagnostics", () => {
    const cases = [
      ["exports.onExecutePostLogin = async (event, api) => { api.access.deny(42, 43, 44); };", "TS2554 Expected 1 arguments, but got 3."],
      ["exports.onExecutePostLogin = async (event, api) => { api.access.deny(42); };", "TS2345 Argument of type 'number' is not assignable to parameter of type 'string'."],
      ["exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim(); };", "TS2554 Expected 2 arguments, but got 0."],
      ["exports.onExecutePostLogin = async (event, api) => { console.log(event.user.nonexistent_field.x); };", "TS2339 Property 'nonexistent_field' does not exist on type 'User'."],
      ["exports.onExecutePostLogin = async (event, api) => { api.redirect.sendUserTo(); };", "TS2554 Expected 1-2 arguments, but got 0."],
      ["exports.onExecuteCredentialsExchange = async (event, api) => { api.access.deny('access_denied', 'no'); };", `TS2345 Argument of type '"access_denied"' is not assignable to parameter of type '"invalid_scope" | "invalid_request" | "server_error"'.`],
      ["exports.onExecuteCredentialsExchange = async (event, api) => { api.idToken.setCustomClaim('a', 1); };", "TS2339 Property 'idToken' does not exist on type 'API'."],
      ["exports.onExecutePreUserRegistration = async (event, api) => { api.access.deny('reason only'); };", "TS2554 Expected 2 arguments, but got 1."],
      ["exports.onExecuteCustomEmailProvider = async (event, api) => { api.notification.send(); };", "TS2339 Property 'send' does not exist on type '{ drop(reason?: string): void; retry(reason?: string): void; }'."],
      ["exports.onExecuteEventStream = async (event, api) => { api.access.deny('x'); };", "TS2339 Property 'access' does not exist on type 'API'."],
      ["function r(user, context, callback) { callback(null, user, context.clientMetadata.TIER); }", "TS2345"],
      ["function r(user, context, callback) { auth0.users.updateAppMetadata(user.user_id); callback(null, user, context); }", "TS2554 Expected 2-3 arguments, but got 1."],
      ["function r(user, context, callback) { callback(new UnauthorizedError(401)); }", "TS2345 Argument of type 'number' is not assignable to parameter of type 'string'."],
    ];
    const dir = join(work, "wrong");
    mkdirSync(dir, { recursive: true });
    const files = cases.map(([source], i) => {
      const file = join(dir, `case${i}.js`);
      writeFileSync(file, annotate(source, file));
      return file;
    });
    const all = check([join(types, "index.d.ts"), ...files]);
    cases.forEach(([source, expected], i) => {
      const diagnostics = all.filter((d) => d.includes(`/case${i}.js:`));
      assert.equal(diagnostics.length, 1, `${source}\n${diagnostics.join("\n")}`);
      assert.ok(diagnostics[0].includes(expected), `${source}\nexpected ${expected}\ngot ${diagnostics[0]}`);
    });
    assert.equal(all.length, cases.length, all.join("\n"));
  });

  it("the README's Editor support setup works as shown", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Editor support"));
    const blocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], text: m[2] }));
    const jsconfig = blocks.find((b) => b.lang === "json" && b.text.includes("compilerOptions"));
    const example = blocks.find((b) => b.lang === "js" && b.text.includes("@ts-check"));
    assert.ok(jsconfig && example, "the README's Editor support section shows a jsconfig.json and a // @ts-check script");
    const project = join(work, "project");
    mkdirSync(join(project, "actions/example"), { recursive: true });
    execFileSync(BINARY, ["types", "--out", join(project, "types")]);
    writeFileSync(join(project, "jsconfig.json"), jsconfig.text);
    writeFileSync(join(project, "actions/example/code.js"), example.text);
    const parsed = ts.getParsedCommandLineOfConfigFile(join(project, "jsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(String(d.messageText)) });
    assert.deepEqual(parsed.errors, []);
    assert.ok(parsed.fileNames.some((f) => f.endsWith("actions/example/code.js")), parsed.fileNames.join("\n"));
    assert.deepEqual(check(parsed.fileNames, parsed.options), []);
    // The same setup catches a mistake in that script.
    writeFileSync(join(project, "actions/example/code.js"), example.text.replace(/api\.access\.deny\(([^)]*)\)/, "api.access.deny($1, 2)"));
    const diagnostics = check(parsed.fileNames, parsed.options);
    assert.equal(diagnostics.length, 1, diagnostics.join("\n"));
    assert.match(diagnostics[0], /actions\/example\/code\.js:\d+: TS2554 Expected 1 arguments, but got 2\./);
  });

  it("refuses to write through a symbolic link", () => {
    const target = join(work, "elsewhere");
    mkdirSync(target);
    const link = join(work, "link");
    symlinkSync(target, link);
    const result = spawnSync(BINARY, ["types", "--out", link], { encoding: "utf8" });
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /link/);
    assert.deepEqual(readdirSync(target), []);
  });
});
