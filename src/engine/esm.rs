//! ES modules in packages, under Node 22's `require(esm)`: the worker turns an ES module the
//! supervisor sent into the CommonJS text its loader (`js_runtime/require.js`) runs, with swc's
//! CommonJS transform. Imports become `require` calls (which the loader answers with Node's
//! import semantics), exports become getters on `exports`, which carries `__esModule`, and
//! `import.meta.url`/`filename`/`dirname` become the file's own. A module graph with a
//! top-level `await` cannot be required, as in Node (`ERR_REQUIRE_ASYNC_MODULE`).

use swc_common::comments::SingleThreadedComments;
use swc_common::errors::HANDLER;
use swc_common::sync::Lrc;
use swc_common::Spanned;
use swc_common::{FileName, Globals, Mark, SourceMap, GLOBALS};
use swc_ecma_ast::Pass;
use swc_ecma_parser::{EsSyntax, Parser, StringInput, Syntax};
use swc_ecma_transforms_base::fixer::fixer;
use swc_ecma_transforms_base::helpers::{inject_helpers, Helpers, HELPERS};
use swc_ecma_transforms_base::hygiene::hygiene;
use swc_ecma_transforms_base::resolver;
use swc_ecma_transforms_module::common_js::{common_js, FeatureFlag};
use swc_ecma_transforms_module::path::Resolver;
use swc_ecma_transforms_module::util::{Config, ImportInterop};

use super::modules::{ModuleAnswer, ModuleFormat};

/// The worker's side of an answer: an ES module's source becomes the CommonJS text to run, or
/// the error Node gives for it (a `SyntaxError`, or `ERR_REQUIRE_ASYNC_MODULE` naming
/// `requirer`, the file that required it). Run in the worker, so that a file the parser cannot
/// cope with costs only that execution.
pub fn commonjs_answer(answer: ModuleAnswer, requirer: &str) -> ModuleAnswer {
    let ModuleAnswer::Found { path, format: ModuleFormat::Esm, version, source: Some(source) } = answer else {
        return answer;
    };
    match esm_to_commonjs(&path, &source) {
        Ok(code) => ModuleAnswer::Found { path, format: ModuleFormat::Esm, version, source: Some(code) },
        Err(EsmError::Syntax(message)) => ModuleAnswer::Syntax { message },
        Err(EsmError::TopLevelAwait) => ModuleAnswer::Failed {
            code: "ERR_REQUIRE_ASYNC_MODULE".to_owned(),
            message: format!(
                "require() cannot be used on an ESM graph with top-level await. Use import() instead. \
                 To see where the top-level await comes from, use --experimental-print-required-tla.\n  \
                 From {requirer} \n  Requiring {path} "
            ),
        },
    }
}

/// Why an ES module cannot be turned into CommonJS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EsmError {
    /// The file does not parse as a module: the message names the line and column.
    Syntax(String),
    /// The module awaits at its top level, which `require` cannot wait for.
    TopLevelAwait,
}

/// The CommonJS text of the ES module `source` (of the file `path`, named in errors).
pub fn esm_to_commonjs(path: &str, source: &str) -> Result<String, EsmError> {
    let map: Lrc<SourceMap> = Default::default();
    let file = map.new_source_file(Lrc::new(FileName::Custom(path.to_owned())), source.to_owned());
    let comments = SingleThreadedComments::default();
    let syntax =
        Syntax::Es(EsSyntax { import_attributes: true, explicit_resource_management: true, ..Default::default() });
    let mut parser = Parser::new(syntax, StringInput::from(&*file), Some(&comments));
    let parsed = parser.parse_module();
    let first_error = parser.take_errors().into_iter().next();
    let module = match (parsed, first_error) {
        (Ok(module), None) => module,
        (Err(error), _) | (Ok(_), Some(error)) => {
            let at = map.lookup_char_pos(error.span().lo);
            return Err(EsmError::Syntax(format!("{path}:{}:{}: {}", at.line, at.col_display + 1, error.kind().msg())));
        }
    };
    if swc_ecma_utils::contains_top_level_await(&module) {
        return Err(EsmError::TopLevelAwait);
    }
    let globals = Globals::new();
    let code = GLOBALS.set(&globals, || {
        // The transform reports nothing through swc's diagnostics handler, but asks for one.
        let handler = swc_common::errors::Handler::with_emitter_writer(Box::new(std::io::sink()), Some(map.clone()));
        HANDLER.set(&handler, || {
            HELPERS.set(&Helpers::new(false), || {
                let unresolved = Mark::new();
                let top_level = Mark::new();
                let config = Config {
                    // `__esModule` marks the exports as an ES module's for the loader and for
                    // importers; a default import of anything else is its whole `module.exports`.
                    import_interop: Some(ImportInterop::Swc),
                    export_interop_annotation: Some(false),
                    ..Config::default()
                };
                let features = FeatureFlag { support_block_scoping: true, support_arrow: true };
                let mut program = swc_ecma_ast::Program::Module(module);
                (
                    resolver(unresolved, top_level, false),
                    common_js(Resolver::Default, unresolved, config, features),
                    inject_helpers(unresolved),
                    hygiene(),
                    fixer(Some(&comments)),
                )
                    .process(&mut program);
                swc_ecma_codegen::to_code_default(map.clone(), Some(&comments), &program)
            })
        })
    });
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_become_requires_and_exports_getters() {
        let code = esm_to_commonjs(
            "/p/index.js",
            "import a, { b } from './a.js';\nexport const c = a + b;\nexport default function d() {}\n",
        )
        .unwrap();
        assert!(code.contains("require(\"./a.js\")"), "{code}");
        assert!(code.contains("__esModule"), "{code}");
        assert!(code.contains("\"use strict\""), "{code}");
    }

    fn found(source: &str) -> ModuleAnswer {
        let path = "/n/node_modules/p/index.js".to_owned();
        ModuleAnswer::Found { path, format: ModuleFormat::Esm, version: "1".into(), source: Some(source.into()) }
    }

    #[test]
    fn answers_carry_the_commonjs_text_or_nodes_error() {
        let ModuleAnswer::Found { source: Some(code), .. } = commonjs_answer(found("export const a = 1;"), "/s.js")
        else {
            panic!("not found");
        };
        assert!(code.contains("__esModule"), "{code}");
        let ModuleAnswer::Failed { code, message } = commonjs_answer(found("await 1;"), "/s.js") else {
            panic!("awaited")
        };
        assert_eq!(code, "ERR_REQUIRE_ASYNC_MODULE");
        // Node 22's words (lib/internal/modules/esm/module_job.js), then who required what.
        assert!(
            message.starts_with("require() cannot be used on an ESM graph with top-level await. Use import() instead.")
        );
        assert!(message.ends_with("\n  From /s.js \n  Requiring /n/node_modules/p/index.js "), "{message}");
        let syntax = commonjs_answer(found("export const = 1;"), "/s.js");
        assert!(
            matches!(&syntax, ModuleAnswer::Syntax { message } if message.starts_with("/n/node_modules/p/index.js:1:14: "))
        );
        // What is not an ES module's source passes unchanged.
        let json = ModuleAnswer::Found {
            path: "/p.json".into(),
            format: ModuleFormat::Json,
            version: "1".into(),
            source: Some("await".into()),
        };
        assert_eq!(commonjs_answer(json.clone(), "/s.js"), json);
        let resent =
            ModuleAnswer::Found { path: "/p.js".into(), format: ModuleFormat::Esm, version: "1".into(), source: None };
        assert_eq!(commonjs_answer(resent.clone(), "/s.js"), resent);
    }

    #[test]
    fn top_level_await_cannot_be_required() {
        assert_eq!(esm_to_commonjs("/p/x.js", "await Promise.resolve(1);\nexport {}"), Err(EsmError::TopLevelAwait));
        // An await inside a function is not at the top level.
        assert!(esm_to_commonjs("/p/x.js", "export async function f() { await 1; }").is_ok());
    }

    #[test]
    fn a_syntax_error_names_the_file_line_and_column() {
        let Err(EsmError::Syntax(message)) = esm_to_commonjs("/p/bad.js", "export const a = 1;\nexport const = 2;\n")
        else {
            panic!("a syntax error was accepted");
        };
        assert!(message.starts_with("/p/bad.js:2:14: "), "{message}");
    }
}
