//! The transcript of a simulated login: one [`Step`] per Rule or Action considered, with its
//! duration, the api calls it made, its console output, its error, and the changes it made to
//! the `user` / `context` (Rules) or to the `event` the next Action sees (Actions), as JSON
//! Pointer paths.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::closed_set::closed_set;
use crate::outcome::{Command, LogLine, Outcome, OutcomeError, Status};
use crate::request::Phase;

/// Whether a step ran a Rule or an Action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Rule,
    Action,
}

impl StepKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Rule => "rule",
            StepKind::Action => "action",
        }
    }
}

closed_set! {
    /// How a step ended: its execution's [`Status`], or `skipped`.
    pub enum StepStatus("status") {
        Completed => "completed",
        Denied => "denied",
        Redirected => "redirected",
        Error => "error",
        Timeout => "timeout",
        OutOfMemory => "out_of_memory",
        /// Not run (disabled, or a Rule of another stage).
        Skipped => "skipped",
    }
}

impl From<Status> for StepStatus {
    fn from(status: Status) -> StepStatus {
        match status {
            Status::Completed => StepStatus::Completed,
            Status::Denied => StepStatus::Denied,
            Status::Redirected => StepStatus::Redirected,
            Status::Error => StepStatus::Error,
            Status::Timeout => StepStatus::Timeout,
            Status::OutOfMemory => StepStatus::OutOfMemory,
        }
    }
}

closed_set! {
    /// What a [`Change`] did, as JSON Patch (RFC 6902) names it.
    pub enum ChangeOp("op") {
        /// A new key (`value`).
        Add => "add",
        /// A key deleted (`old`).
        Remove => "remove",
        /// A value changed (`old` → `value`).
        Replace => "replace",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub kind: StepKind,
    pub name: String,
    /// Actions: which handler ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<Phase>,
    /// The execution's status (`completed`, `denied`, `redirected`, `error`, `timeout`,
    /// `out_of_memory`), or `skipped`.
    pub status: StepStatus,
    /// Why a step was skipped (`disabled`, `stage login_failure`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Wall-clock time of the step, from building its request to reading its outcome.
    pub duration_ms: f64,
    /// The engine's part of it: the execution itself (the outcome's `duration_ms`).
    pub engine_ms: f64,
    pub commands: Vec<Command>,
    pub logs: Vec<LogLine>,
    pub error: Option<OutcomeError>,
    /// What the step changed: `/user/…`, `/context/…` for a Rule, `/event/…` for an Action.
    pub changes: Vec<Change>,
    /// Ran after a `--continue`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub resumed: bool,
}

impl Step {
    pub fn skipped(kind: StepKind, name: &str, reason: String) -> Step {
        Step {
            kind,
            name: name.to_owned(),
            phase: None,
            status: StepStatus::Skipped,
            reason: Some(reason),
            duration_ms: 0.0,
            engine_ms: 0.0,
            commands: vec![],
            logs: vec![],
            error: None,
            changes: vec![],
            resumed: false,
        }
    }

    pub fn ran(
        kind: StepKind,
        name: &str,
        phase: Option<Phase>,
        outcome: &Outcome,
        duration_ms: f64,
        changes: Vec<Change>,
    ) -> Step {
        let error = outcome.error.clone().or_else(|| outcome.callback.as_ref().and_then(|c| c.error.clone()));
        Step {
            kind,
            name: name.to_owned(),
            phase,
            status: outcome.status.into(),
            reason: None,
            duration_ms,
            engine_ms: outcome.duration_ms,
            commands: outcome.commands.clone(),
            logs: outcome.logs.clone(),
            error,
            changes,
            resumed: false,
        }
    }
}

/// One change: `add` (new `value`), `remove` (`old` value) or `replace` (`old` → `value`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub op: ChangeOp,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
}

/// The changes from `before` to `after`, under `root` (`/user`): objects are compared key by
/// key, anything else (arrays included) as a whole.
pub fn diff(root: &str, before: &Value, after: &Value, out: &mut Vec<Change>) {
    match (before, after) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, old) in a {
                match b.get(key) {
                    Some(new) if new == old => {}
                    Some(new) => diff(&format!("{root}/{}", escape(key)), old, new, out),
                    None => out.push(Change {
                        op: ChangeOp::Remove,
                        path: format!("{root}/{}", escape(key)),
                        old: Some(old.clone()),
                        value: None,
                    }),
                }
            }
            for (key, new) in b {
                if !a.contains_key(key) {
                    out.push(Change {
                        op: ChangeOp::Add,
                        path: format!("{root}/{}", escape(key)),
                        old: None,
                        value: Some(new.clone()),
                    });
                }
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(Change {
            op: ChangeOp::Replace,
            path: root.to_owned(),
            old: Some(a.clone()),
            value: Some(b.clone()),
        }),
    }
}

/// A JSON Pointer reference token (RFC 6901: `~` as `~0`, `/` as `~1`), encoded by the
/// `jsonptr` crate that `json-patch` uses.
fn escape(key: &str) -> String {
    json_patch::jsonptr::Token::new(key).encoded().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diffs_objects_key_by_key() {
        let before = json!({"a": 1, "b": {"c": [1], "same": {"d": [2]}}, "gone": true, "n": 5});
        let after = json!({"a": 2, "b": {"c": [1, 2], "same": {"d": [2]}, "https://x/y": 1}, "n": 5});
        let mut changes = vec![];
        diff("/user", &before, &after, &mut changes);
        let summary: Vec<(&str, &str)> = changes.iter().map(|c| (c.op.as_str(), c.path.as_str())).collect();
        assert_eq!(
            summary,
            [
                ("replace", "/user/a"),
                ("replace", "/user/b/c"),
                ("add", "/user/b/https:~1~1x~1y"),
                ("remove", "/user/gone")
            ]
        );
        assert_eq!(changes[0].old, Some(json!(1)));
        assert_eq!(changes[0].value, Some(json!(2)));
        // Equal values, objects or not, are no change.
        let mut none = vec![];
        diff("/user", &json!(1), &json!(1), &mut none);
        diff("/user", &json!({"a": {"b": [1]}}), &json!({"a": {"b": [1]}}), &mut none);
        assert_eq!(none, []);
    }

    #[test]
    fn step_kinds_read_as_they_serialize() {
        for kind in [StepKind::Rule, StepKind::Action] {
            assert_eq!(json!(kind.as_str()), json!(kind));
        }
        assert_eq!(StepKind::Rule.as_str(), "rule");
    }

    #[test]
    fn step_statuses_keep_the_outcome_spellings() {
        let statuses = [
            Status::Completed,
            Status::Denied,
            Status::Redirected,
            Status::Error,
            Status::Timeout,
            Status::OutOfMemory,
        ];
        for status in statuses {
            assert_eq!(json!(StepStatus::from(status)), json!(status), "{status:?}");
        }
        assert_eq!(json!(StepStatus::Skipped), "skipped");
        assert_eq!(serde_json::from_value::<StepStatus>(json!("skipped")).unwrap(), StepStatus::Skipped);
    }

    #[test]
    fn a_misspelled_status_or_op_is_refused_naming_the_field_and_the_values() {
        let step = json!({"kind": "rule", "name": "r", "status": "skiped", "duration_ms": 0.0, "engine_ms": 0.0,
            "commands": [], "logs": [], "error": null, "changes": []});
        let error = serde_json::from_value::<Step>(step).unwrap_err().to_string();
        assert!(error.contains(r#"unknown status "skiped"; known: completed, denied, redirected, error, timeout, out_of_memory, skipped"#), "{error}");
        let error = serde_json::from_value::<Change>(json!({"op": "move", "path": "/a"})).unwrap_err().to_string();
        assert!(error.contains(r#"unknown op "move"; known: add, remove, replace"#), "{error}");
        let change = serde_json::from_value::<Change>(json!({"op": "remove", "path": "/a", "old": 1})).unwrap();
        assert_eq!(change.op, ChangeOp::Remove);
    }
}
