//! The JSON Schema of a rule file, for editors' TOML tooling (taplo, Even
//! Better TOML) and `gouji rules --schema`.
//!
//! Generated, not written: the property types and descriptions come from the
//! serde mirrors in `spec` (schemars derive; doc comments become
//! descriptions), `kind` is an enum of the registry's `KINDS`, and each kind
//! gets an `if kind = … then propertyNames ∈ COMMON_KEYS + its KEYS` branch,
//! so that a key of another kind is flagged in the editor as `check_keys`
//! flags it on load. Draft-07, which taplo supports best.

use super::registry::{keys_of, COMMON_KEYS, KINDS};
use super::spec::{PackMeta, RuleSpec};
use schemars::JsonSchema;
use serde_json::Value;

/// A whole rule file, as the schema sees it (the loader reads the header and
/// each `[[rule]]` on its own, with `PackHeader` and `ChunkSpec`).
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "gouji rule pack",
    description = "A gouji rule file: an optional [pack] table and [[rule]] tables (README: rule kinds)."
)]
#[allow(dead_code)] // only its schema is used
struct RulePack {
    pack: Option<PackMeta>,
    /// The rules of the pack.
    #[serde(default)]
    rule: Vec<RuleSpec>,
}

/// The schema of `kind`: one of the kinds of the registry.
fn kind_schema() -> Value {
    serde_json::json!({
        "description": "What the rule checks; the kind decides which other keys it reads.",
        "type": "string",
        "enum": KINDS,
    })
}

/// Per kind, the keys a rule of that kind may have.
fn kind_branches() -> Value {
    let branches: Vec<Value> = KINDS
        .iter()
        .map(|&kind| {
            let own = keys_of(kind).unwrap_or_default();
            let allowed: Vec<&str> = COMMON_KEYS.iter().chain(own).copied().collect();
            serde_json::json!({
                "if": {
                    "properties": { "kind": { "const": kind } },
                    "required": ["kind"],
                },
                "then": { "propertyNames": { "enum": allowed } },
            })
        })
        .collect();
    Value::Array(branches)
}

/// The schema as a JSON value.
pub fn rules_schema() -> Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let mut root = generator.into_root_schema_for::<RulePack>().to_value();
    // The kinds and their keys come from the registry, which `spec` (below
    // it) does not see: they are set on the rule's definition here.
    if let Some(rule) = root
        .pointer_mut("/definitions/RuleSpec")
        .and_then(Value::as_object_mut)
    {
        rule.insert("allOf".to_owned(), kind_branches());
        if let Some(props) = rule.get_mut("properties").and_then(Value::as_object_mut) {
            props.insert("kind".to_owned(), kind_schema());
        }
    }
    drop_null(root)
}

/// `value` without the `null` alternatives schemars gives an `Option`: TOML
/// has no null, a key left out is the only way to say "none".
fn drop_null(value: Value) -> Value {
    match value {
        Value::Object(mut map) => {
            if map.get("default") == Some(&Value::Null) {
                map.remove("default");
            }
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".to_owned(), only);
                }
            }
            if let Some(Value::Array(alts)) = map.get_mut("anyOf") {
                alts.retain(|a| *a != serde_json::json!({ "type": "null" }));
                if alts.len() == 1 {
                    let only = alts.remove(0);
                    map.remove("anyOf");
                    if map.is_empty() {
                        return drop_null(only);
                    }
                    // Draft-07 ignores the siblings of a `$ref`: keep it apart.
                    map.insert("allOf".to_owned(), Value::Array(vec![only]));
                }
            }
            Value::Object(map.into_iter().map(|(k, v)| (k, drop_null(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(drop_null).collect()),
        other => other,
    }
}

/// The schema as pretty JSON with a final newline, as `gouji rules --schema`
/// prints it and `docs/gouji-rules.schema.json` holds it. Keys are sorted, so
/// the text depends only on the declarations.
pub fn rules_schema_json() -> String {
    let mut text = serde_json::to_string_pretty(&sorted(rules_schema())).unwrap_or_default();
    text.push('\n');
    text
}

/// `value` with every object's keys in sorted order, whatever serde_json's
/// map keeps (`preserve_order` may be on through another crate).
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}
