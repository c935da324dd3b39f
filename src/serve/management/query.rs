//! The list query of the Management API: `fields` with `include_fields` (which properties each
//! item keeps), `page`/`per_page` (0-based pages, at most 100 per page, 50 by default) and
//! `include_totals` (an object `{<items>, start, limit, length, total}` instead of an array).

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use crate::serve::error::ApiError;

/// The most items per page, and the default, as Auth0 has them.
pub const MAX_PER_PAGE: usize = 100;
pub const DEFAULT_PER_PAGE: usize = 50;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListQuery {
    /// `fields`, split on commas; empty when not given.
    pub fields: Vec<String>,
    /// `include_fields` (default true): keep the `fields`, else drop them.
    pub include_fields: bool,
    pub page: Option<usize>,
    pub per_page: Option<usize>,
    pub include_totals: bool,
}

impl ListQuery {
    /// Reads the query; a bad value is 400 `invalid_query_string` naming the parameter.
    pub fn parse(query: &HashMap<String, String>) -> Result<ListQuery, ApiError> {
        let boolean = |name: &str, default: bool| {
            match query.get(name).map(String::as_str) {
            None => Ok(default),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(other) => Err(ApiError::invalid_query(format!(
                "Query validation error: 'Expected type boolean but found type string' on property {name} (\"{other}\")."
            ))),
        }
        };
        let number = |name: &str, max: usize| -> Result<Option<usize>, ApiError> {
            match query.get(name) {
                None => Ok(None),
                Some(text) => match text.parse::<usize>() {
                    Ok(n) if n <= max => Ok(Some(n)),
                    Ok(_) => Err(ApiError::invalid_query(format!(
                        "Query validation error: 'Value {text} is greater than maximum allowed value {max}' on property {name}."
                    ))),
                    Err(_) => Err(ApiError::invalid_query(format!(
                        "Query validation error: 'Expected type integer but found type string' on property {name} (\"{text}\")."
                    ))),
                },
            }
        };
        let fields = query
            .get("fields")
            .map(|f| f.split(',').map(str::trim).filter(|f| !f.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default();
        Ok(ListQuery {
            fields,
            include_fields: boolean("include_fields", true)?,
            page: number("page", usize::MAX)?,
            per_page: number("per_page", MAX_PER_PAGE)?,
            include_totals: boolean("include_totals", false)?,
        })
    }

    /// Keeps (or drops) the requested fields of one item.
    pub fn filter(&self, item: Value) -> Value {
        if self.fields.is_empty() {
            return item;
        }
        let Value::Object(object) = item else { return item };
        let kept: Map<String, Value> =
            object.into_iter().filter(|(k, _)| self.fields.contains(k) == self.include_fields).collect();
        Value::Object(kept)
    }

    /// The page of `items` asked for, filtered, as an array or (`include_totals`) an object with
    /// the items under `key`.
    pub fn page(&self, items: Vec<Value>, key: &str) -> Value {
        let total = items.len();
        let paged = self.page.is_some() || self.per_page.is_some();
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        let page = self.page.unwrap_or(0);
        let start = if paged { page.saturating_mul(per_page).min(total) } else { 0 };
        let chosen: Vec<Value> = if paged {
            items.into_iter().skip(start).take(per_page).map(|i| self.filter(i)).collect()
        } else {
            items.into_iter().map(|i| self.filter(i)).collect()
        };
        if !self.include_totals {
            return Value::Array(chosen);
        }
        let limit = if paged { per_page } else { total.max(chosen.len()) };
        let mut out = Map::new();
        out.insert(key.to_owned(), json!(chosen));
        out.insert("start".into(), json!(start));
        out.insert("limit".into(), json!(limit));
        out.insert("length".into(), json!(chosen.len()));
        out.insert("total".into(), json!(total));
        Value::Object(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> Result<ListQuery, ApiError> {
        ListQuery::parse(&pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    fn items(n: usize) -> Vec<Value> {
        (0..n).map(|i| json!({"name": format!("c{i}"), "client_id": format!("id{i}"), "app_type": "spa"})).collect()
    }

    #[test]
    fn fields_included_or_excluded() {
        let q = query(&[("fields", "name,client_id")]).unwrap();
        assert_eq!(q.filter(items(1).remove(0)), json!({"name": "c0", "client_id": "id0"}));
        let q = query(&[("fields", "name"), ("include_fields", "false")]).unwrap();
        assert_eq!(q.filter(items(1).remove(0)), json!({"client_id": "id0", "app_type": "spa"}));
        assert_eq!(query(&[]).unwrap().filter(items(1).remove(0)), items(1)[0]);
        assert!(query(&[("include_fields", "yes")]).is_err());
    }

    #[test]
    fn pages_and_totals() {
        let q = query(&[("page", "1"), ("per_page", "2"), ("include_totals", "true")]).unwrap();
        let out = q.page(items(5), "clients");
        assert_eq!(
            out["clients"].as_array().unwrap().iter().map(|c| c["name"].clone()).collect::<Vec<_>>(),
            [json!("c2"), json!("c3")]
        );
        assert_eq!(
            (out["start"].clone(), out["limit"].clone(), out["length"].clone(), out["total"].clone()),
            (json!(2), json!(2), json!(2), json!(5))
        );
        // The last, short page; a page past the end is empty.
        let q = query(&[("page", "2"), ("per_page", "2")]).unwrap();
        assert_eq!(q.page(items(5), "clients"), json!([items(5)[4]]));
        let q = query(&[("page", "9"), ("per_page", "2")]).unwrap();
        assert_eq!(q.page(items(5), "clients"), json!([]));
        // Unpaged: everything, as an array.
        assert_eq!(query(&[]).unwrap().page(items(3), "clients").as_array().unwrap().len(), 3);
        // per_page defaults to 50 once paging is asked for.
        assert_eq!(query(&[("page", "0")]).unwrap().page(items(60), "x").as_array().unwrap().len(), 50);
        assert_eq!(query(&[("per_page", "101")]).unwrap_err().status, axum::http::StatusCode::BAD_REQUEST);
        assert_eq!(query(&[("page", "-1")]).unwrap_err().error_code, Some("invalid_query_string"));
    }
}
