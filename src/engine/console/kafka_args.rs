//! Python-style argument binding for the Kafka client forms: positional and keyword arguments
//! matched to a parameter list (as Python binds a call), and literal → JSON conversions with caret
//! errors (`value must be a str, bytes or None`).

use serde_json::{Map, Value};

use crate::engine::console::literal::{Arg, Node, Py};
use crate::engine::console::ConsoleError;

/// The arguments of one call, bound to its parameters.
pub(super) struct Bound<'a> {
    src: &'a str,
    /// `producer.send()`, for messages.
    what: String,
    /// Where a missing argument is reported (the method or constructor name).
    at: usize,
    slots: Vec<(&'static str, Option<&'a Node>)>,
}

/// Binds `positional` then `keywords` to `params`, of which the first `max_positional` may be
/// given by position. Unknown keywords, extra positional arguments and a parameter given twice
/// are errors at the offending argument.
pub(super) fn bind<'a>(
    src: &'a str,
    what: &str,
    at: usize,
    positional: &'a [Node],
    keywords: &'a [Arg],
    params: &[&'static str],
    max_positional: usize,
) -> Result<Bound<'a>, ConsoleError> {
    let mut slots: Vec<(&'static str, Option<&'a Node>)> =
        params.iter().map(|p| (*p, None)).collect();
    if let Some(extra) = positional.get(max_positional) {
        let msg = match (max_positional, params.is_empty()) {
            (_, true) => format!("{what} takes no arguments"),
            (0, false) => format!(
                "{what} takes keyword arguments only: {}",
                params.join("=, ") + "="
            ),
            (n, false) => format!(
                "{what} takes at most {n} positional argument{} ({}); pass the others by keyword",
                if n == 1 { "" } else { "s" },
                params[..n.min(params.len())].join(", ")
            ),
        };
        return Err(ConsoleError::at(src, extra.pos, msg));
    }
    for (slot, node) in slots.iter_mut().zip(positional) {
        slot.1 = Some(node);
    }
    for arg in keywords {
        let Some(slot) = slots.iter_mut().find(|(p, _)| *p == arg.name) else {
            let known = if params.is_empty() {
                format!("{what} takes no arguments")
            } else {
                format!("known: {}", params.join(", "))
            };
            return Err(ConsoleError::at(
                src,
                arg.name_pos,
                format!(
                    "unknown keyword argument '{}' for {what}; {known}",
                    arg.name
                ),
            ));
        };
        if slot.1.is_some() {
            return Err(ConsoleError::at(
                src,
                arg.name_pos,
                format!("{what} got multiple values for argument '{}'", arg.name),
            ));
        }
        slot.1 = Some(&arg.value);
    }
    Ok(Bound {
        src,
        what: what.to_string(),
        at,
        slots,
    })
}

impl<'a> Bound<'a> {
    /// The argument bound to `param`, as written (`None` literal included).
    pub(super) fn raw(&self, param: &str) -> Option<&'a Node> {
        self.slots
            .iter()
            .find(|(p, _)| *p == param)
            .and_then(|(_, n)| *n)
    }

    /// The argument bound to `param`, absent when missing or `None`.
    pub(super) fn get(&self, param: &str) -> Option<&'a Node> {
        self.raw(param).filter(|n| n.value != Py::None)
    }

    /// The argument bound to `param`, or an error at the call naming it and an `example`.
    pub(super) fn need(&self, param: &str, example: &str) -> Result<&'a Node, ConsoleError> {
        self.get(param).ok_or_else(|| {
            ConsoleError::at(
                self.src,
                self.at,
                format!("{} needs {param}, as in {example}", self.what),
            )
        })
    }

    /// An optional `str` parameter.
    pub(super) fn opt_str(&self, param: &str) -> Result<Option<String>, ConsoleError> {
        self.get(param)
            .map(|n| string(self.src, n, param))
            .transpose()
    }

    /// An optional `int` parameter.
    pub(super) fn opt_int(&self, param: &str) -> Result<Option<i64>, ConsoleError> {
        self.get(param).map(|n| int(self.src, n, param)).transpose()
    }

    /// An optional `bool` parameter.
    pub(super) fn opt_bool(&self, param: &str) -> Result<Option<bool>, ConsoleError> {
        self.get(param)
            .map(|n| match n.value {
                Py::Bool(b) => Ok(b),
                _ => Err(ConsoleError::at(
                    self.src,
                    n.pos,
                    format!("{param} must be True or False"),
                )),
            })
            .transpose()
    }
}

/// How an error names a literal's type.
pub(super) fn type_name(py: &Py) -> String {
    match py {
        Py::Str(_) => "a str".into(),
        Py::Bytes(_) => "bytes".into(),
        Py::Int(_) | Py::BigInt(_) => "an int".into(),
        Py::Float(_) => "a float".into(),
        Py::Bool(_) => "a bool".into(),
        Py::None => "None".into(),
        Py::List(_) => "a list".into(),
        Py::Dict(_) => "a dict".into(),
        Py::Call { name, .. } => format!("{name}(…)"),
    }
}

/// A `str` argument.
pub(super) fn string(src: &str, node: &Node, what: &str) -> Result<String, ConsoleError> {
    match &node.value {
        Py::Str(s) => Ok(s.clone()),
        other => Err(ConsoleError::at(
            src,
            node.pos,
            format!("{what} must be a str, found {}", type_name(other)),
        )),
    }
}

/// An `int` argument that fits `i64`.
pub(super) fn int(src: &str, node: &Node, what: &str) -> Result<i64, ConsoleError> {
    match &node.value {
        Py::Int(i) => Ok(*i),
        Py::BigInt(_) => Err(ConsoleError::at(
            src,
            node.pos,
            format!("{what} is too large"),
        )),
        other => Err(ConsoleError::at(
            src,
            node.pos,
            format!("{what} must be an int, found {}", type_name(other)),
        )),
    }
}

/// A Kafka key, value or header value: `str`, or `bytes` holding UTF-8 (the playground's
/// records carry UTF-8 text).
pub(super) fn text(src: &str, node: &Node, what: &str) -> Result<String, ConsoleError> {
    match &node.value {
        Py::Str(s) => Ok(s.clone()),
        Py::Bytes(b) => String::from_utf8(b.clone()).map_err(|_| {
            ConsoleError::at(
                src,
                node.pos,
                format!("{what} must be UTF-8: the playground's records carry text"),
            )
        }),
        other => Err(ConsoleError::at(
            src,
            node.pos,
            format!(
                "{what} must be a str, bytes or None, found {} (serialize it yourself, e.g. '{{\"n\": 1}}')",
                type_name(other)
            ),
        )),
    }
}

/// A list (or tuple) of `str`, or one `str` standing for a list of one.
pub(super) fn str_list(src: &str, node: &Node, what: &str) -> Result<Vec<String>, ConsoleError> {
    match &node.value {
        Py::Str(s) => Ok(vec![s.clone()]),
        Py::List(items) => items.iter().map(|n| string(src, n, what)).collect(),
        other => Err(ConsoleError::at(
            src,
            node.pos,
            format!("{what} must be a list of str, found {}", type_name(other)),
        )),
    }
}

/// A config map `{"cleanup.policy": "compact", "retention.ms": 60000}`: values become strings,
/// as Kafka configs are (`True` → `"true"`).
pub(super) fn config_map(src: &str, node: &Node, what: &str) -> Result<Value, ConsoleError> {
    let Py::Dict(entries) = &node.value else {
        return Err(ConsoleError::at(
            src,
            node.pos,
            format!(
                "{what} must be a dict of str, found {}",
                type_name(&node.value)
            ),
        ));
    };
    let mut out = Map::new();
    for (k, v) in entries {
        let s = match &v.value {
            Py::Str(s) => s.clone(),
            Py::Int(i) => i.to_string(),
            Py::BigInt(d) => d.clone(),
            Py::Float(f) => f.to_string(),
            Py::Bool(b) => b.to_string(),
            other => {
                return Err(ConsoleError::at(
                    src,
                    v.pos,
                    format!("{what}[{k:?}] must be a str, found {}", type_name(other)),
                ))
            }
        };
        out.insert(k.clone(), Value::String(s));
    }
    Ok(Value::Object(out))
}

/// A constructor call named `name` (`NewTopic(…)`), or an error at `node` expecting one.
pub(super) fn ctor<'a>(
    src: &str,
    node: &'a Node,
    name: &str,
    example: &str,
) -> Result<(&'a [Node], &'a [Arg]), ConsoleError> {
    match &node.value {
        Py::Call {
            name: n,
            args,
            kwargs,
        } if n == name => Ok((args, kwargs)),
        other => Err(ConsoleError::at(
            src,
            node.pos,
            format!("expected {example}, found {}", type_name(other)),
        )),
    }
}
