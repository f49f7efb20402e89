//! Typed reading of an AWS-shaped JSON request, with AWS's error for every wrong shape.
//!
//! Members are looked up by their AWS name (`StreamName`). A member of the wrong JSON type is a
//! `SerializationException`, as the AWS JSON protocol answers; a missing required member or a value
//! outside its constraint is a `ValidationException` naming the member in lower camel case.

use serde_json::{Map, Value};

use crate::engine::api::error::ApiError;

/// A request body: a JSON object, or an error if the body is anything else.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    members: &'a Map<String, Value>,
}

/// AWS names members in validation messages in lower camel case (`streamName`).
pub fn member_path(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut chars = name.chars();
    if let Some(c) = chars.next() {
        out.extend(c.to_lowercase());
    }
    out.extend(chars);
    out
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "structure",
    }
}

fn wrong_type(name: &str, expected: &str, got: &Value) -> ApiError {
    ApiError::serialization(format!(
        "member '{name}' must be a {expected}, found a {}",
        type_name(got)
    ))
}

impl<'a> Request<'a> {
    /// Reads `body` as a request; a body that is not a JSON object is a `SerializationException`.
    /// `null` counts as an empty request.
    pub fn new(body: &'a Value) -> Result<Request<'a>, ApiError> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        match body {
            Value::Object(members) => Ok(Request { members }),
            Value::Null => Ok(Request {
                members: EMPTY.get_or_init(Map::new),
            }),
            other => Err(ApiError::serialization(format!(
                "the request must be a JSON object, found a {}",
                type_name(other)
            ))),
        }
    }

    /// The whole request as a JSON object (a copy).
    pub fn as_value(&self) -> Value {
        Value::Object(self.members.clone())
    }

    /// The raw member, treating JSON `null` as absent.
    pub fn raw(&self, name: &str) -> Option<&'a Value> {
        self.members.get(name).filter(|v| !v.is_null())
    }

    /// An optional string member.
    pub fn opt_str(&self, name: &str) -> Result<Option<&'a str>, ApiError> {
        match self.raw(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(other) => Err(wrong_type(name, "string", other)),
        }
    }

    /// A required string member.
    pub fn str(&self, name: &str) -> Result<&'a str, ApiError> {
        self.opt_str(name)?.ok_or_else(|| missing(name))
    }

    /// An optional integer member within `[min, max]` (inclusive).
    pub fn opt_int(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, ApiError> {
        let v = match self.raw(name) {
            None => return Ok(None),
            Some(v) => v,
        };
        let n = match v {
            Value::Number(n) => n,
            other => return Err(wrong_type(name, "number", other)),
        };
        let Some(i) = n.as_i64().or_else(|| n.as_u64().map(|_| i64::MAX)) else {
            return Err(ApiError::serialization(format!(
                "member '{name}' must be an integer, found {n}"
            )));
        };
        if i < min {
            return Err(ApiError::validation(
                &n.to_string(),
                &member_path(name),
                &format!("Member must have value greater than or equal to {min}"),
            ));
        }
        if i > max {
            return Err(ApiError::validation(
                &n.to_string(),
                &member_path(name),
                &format!("Member must have value less than or equal to {max}"),
            ));
        }
        Ok(Some(i))
    }

    /// A required integer member within `[min, max]`.
    pub fn int(&self, name: &str, min: i64, max: i64) -> Result<i64, ApiError> {
        self.opt_int(name, min, max)?.ok_or_else(|| missing(name))
    }

    /// An optional float member (playground settings such as rates) within `[min, max]`.
    pub fn opt_f64(&self, name: &str, min: f64, max: f64) -> Result<Option<f64>, ApiError> {
        let v = match self.raw(name) {
            None => return Ok(None),
            Some(v) => v,
        };
        let Some(x) = v.as_f64() else {
            return Err(wrong_type(name, "number", v));
        };
        if !(min..=max).contains(&x) {
            return Err(ApiError::validation(
                &x.to_string(),
                &member_path(name),
                &format!("Member must be between {min} and {max}"),
            ));
        }
        Ok(Some(x))
    }

    /// An optional boolean member.
    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.raw(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(wrong_type(name, "boolean", other)),
        }
    }

    /// An optional nested structure.
    pub fn opt_struct(&self, name: &str) -> Result<Option<Request<'a>>, ApiError> {
        match self.raw(name) {
            None => Ok(None),
            Some(Value::Object(members)) => Ok(Some(Request { members })),
            Some(other) => Err(wrong_type(name, "structure", other)),
        }
    }

    /// An optional list member.
    pub fn opt_list(&self, name: &str) -> Result<Option<&'a Vec<Value>>, ApiError> {
        match self.raw(name) {
            None => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(other) => Err(wrong_type(name, "list", other)),
        }
    }

    /// An optional map of string to string (e.g. `Tags`).
    pub fn opt_string_map(&self, name: &str) -> Result<Option<Vec<(&'a str, &'a str)>>, ApiError> {
        match self.raw(name) {
            None => Ok(None),
            Some(Value::Object(m)) => {
                let mut out = Vec::with_capacity(m.len());
                for (k, v) in m {
                    match v {
                        Value::String(s) => out.push((k.as_str(), s.as_str())),
                        other => return Err(wrong_type(&format!("{name}.{k}"), "string", other)),
                    }
                }
                Ok(Some(out))
            }
            Some(other) => Err(wrong_type(name, "map", other)),
        }
    }

    /// Fails with a `ValidationException` naming the first member not in `known`, worded as boto3's
    /// parameter validation words it. Catches typos like `StreamNmae`.
    pub fn deny_unknown(&self, known: &[&str]) -> Result<(), ApiError> {
        for k in self.members.keys() {
            if !known.contains(&k.as_str()) {
                return Err(ApiError::new(
                    crate::engine::api::error::ErrorKind::ValidationException,
                    format!(
                        "Unknown parameter in input: \"{k}\", must be one of: {}",
                        known.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// `ValidationException` for a missing required member.
pub fn missing(name: &str) -> ApiError {
    ApiError::validation("null", &member_path(name), "Member must not be null")
}
