use actionhost::engine::*;
fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let pool = Pool::new(1, 128);
        let src = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
        let kind = std::env::args().nth(2).unwrap_or("post-login".into());
        let input: serde_json::Value = serde_json::from_str(&std::env::args().nth(3).unwrap_or("{\"event\":{\"user\":{\"user_id\":\"u1\",\"app_metadata\":{},\"user_metadata\":{}},\"client\":{\"metadata\":{}},\"request\":{\"ip\":\"1.2.3.4\",\"hostname\":\"h\",\"query\":{}},\"transaction\":{\"metadata\":{}}},\"filename\":\"x.js\",\"user\":{},\"context\":{},\"auth0\":{\"domain\":\"d\",\"access_token\":\"t\"}}".into())).unwrap();
        for i in 0..3 {
        let t = std::time::Instant::now();
        let r = pool.run(Job { runner: if kind == "rule" {"rule"} else {"post-login"}, kind: if kind=="rule" {ScriptKind::RuleFunction} else {ScriptKind::Module}, script: Script { filename: "x.js".into(), source: src.clone() }, input: input.clone(), timeout: std::time::Duration::from_millis(1000), memory_mb: 128, container: None }).await;
        println!("{i} {:?} value={} term={:?} err={:?} logs={} cmds={}", t.elapsed(), r.value.map(|v| v.to_string()).unwrap_or_default(), r.termination, r.error, r.logs, r.commands);
        }
    });
}
