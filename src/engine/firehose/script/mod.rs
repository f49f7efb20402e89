//! The sandboxed transform language and built-in record transforms (semantics.md §4.3).
//! TEMPORARY STUB (replaced by the real module on merge).
#![allow(missing_docs)]
use std::collections::BTreeMap;
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome { Ok { data: Vec<u8>, partition_keys: BTreeMap<String, String> }, Dropped, ProcessingFailed(String) }
#[derive(Clone, Debug, PartialEq)]
pub struct ScriptError { pub line: u32, pub column: u32, pub message: String }
impl std::fmt::Display for ScriptError { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { write!(f, "line {}, column {}: {}", self.line, self.column, self.message) } }
#[derive(Clone, Debug)]
pub struct Script;
impl Script { pub fn compile(_s: &str) -> Result<Script, ScriptError> { Ok(Script) } pub fn run(&self, data: &[u8], _b: u64) -> (Outcome, u64) { (Outcome::Ok { data: data.to_vec(), partition_keys: BTreeMap::new() }, 1) } }
pub const DEFAULT_BUDGET: u64 = 10_000;
#[derive(Clone, Debug, PartialEq)]
pub enum CompareOp { Eq }
#[derive(Clone, Debug, PartialEq)]
pub enum BuiltinTransform { AppendNewline }
impl BuiltinTransform {
    pub fn from_json(_v: &serde_json::Value) -> Result<BuiltinTransform, String> { Ok(BuiltinTransform::AppendNewline) }
    pub fn to_json(&self) -> serde_json::Value { serde_json::json!({"Type":"AppendNewline"}) }
    pub fn apply(&self, data: &[u8]) -> Outcome { Outcome::Ok { data: data.to_vec(), partition_keys: BTreeMap::new() } }
}
#[derive(Clone, Debug)]
pub enum TransformStep { Builtin(BuiltinTransform), Script(Script) }
pub fn apply_chain(_steps: &[TransformStep], data: &[u8], _budget: u64) -> (Outcome, u64) { (Outcome::Ok { data: data.to_vec(), partition_keys: BTreeMap::new() }, 1) }
