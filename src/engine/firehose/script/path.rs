//! Writing and deleting inside values: `record.user.name = "x";`, `record["a b"] = 1;`,
//! `list[len(list)] = x;` (appends), `delete record.field;`. Shared values are copied on write
//! (the copy is charged); missing objects on the way are created.

use std::rc::Rc;

use super::meter::{Meter, Stop};
use super::value::{Object, Value, MAX_ELEMENTS, MAX_VALUE_DEPTH};

/// One evaluated step of a target path.
pub(crate) enum Key {
    Field(Rc<str>),
    Index(Value),
}

fn describe(k: &Key) -> String {
    match k {
        Key::Field(f) => format!("field '{f}'"),
        Key::Index(Value::Str(s)) => format!("field '{s}'"),
        Key::Index(Value::Int(i)) => format!("index {i}"),
        Key::Index(v) => format!("a {} index", v.type_name()),
    }
}

fn field_name<'a>(k: &'a Key, m: &Meter) -> Result<&'a str, Stop> {
    match k {
        Key::Field(f) | Key::Index(Value::Str(f)) => Ok(f),
        Key::Index(v) => Err(m.error(format!("object keys are strings, not {}", v.type_name()))),
    }
}

fn array_index(k: &Key, len: usize, m: &Meter) -> Result<usize, Stop> {
    match k {
        Key::Index(Value::Int(i)) => {
            usize::try_from(*i)
                .ok()
                .filter(|i| *i <= len)
                .ok_or_else(|| {
                    m.error(format!(
                        "index {i} out of range for an array of length {len}"
                    ))
                })
        }
        Key::Index(v) => Err(m.error(format!(
            "array index must be an integer, not {}",
            v.type_name()
        ))),
        Key::Field(f) => Err(m.error(format!("cannot set field '{f}' on an array"))),
    }
}

fn check_depth(depth: u32, m: &Meter) -> Result<(), Stop> {
    if depth > MAX_VALUE_DEPTH {
        return Err(m.error(format!("value nested deeper than {MAX_VALUE_DEPTH} levels")));
    }
    Ok(())
}

/// Sets `cur` at `keys` to `v`.
pub(crate) fn set_path(cur: &mut Value, keys: &[Key], v: Value, m: &mut Meter) -> Result<(), Stop> {
    let Some((k, rest)) = keys.split_first() else {
        *cur = v;
        return Ok(());
    };
    if matches!(cur, Value::Null) && !matches!(k, Key::Index(Value::Int(_))) {
        *cur = Value::Object(Rc::new(Object {
            entries: Vec::new(),
            depth: 1,
        }));
    }
    match cur {
        Value::Object(rc) => {
            let key = field_name(k, m)?;
            if Rc::strong_count(rc) > 1 {
                m.work(rc.entries.len() as u64)?;
            }
            let o = Rc::make_mut(rc);
            let i = match o.find(key, m)? {
                Some(i) => i,
                None => {
                    if o.entries.len() >= MAX_ELEMENTS {
                        return Err(m.error(format!("object with more than {MAX_ELEMENTS} fields")));
                    }
                    o.entries.push((Rc::from(key), Value::Null));
                    o.entries.len() - 1
                }
            };
            set_path(&mut o.entries[i].1, rest, v, m)?;
            o.depth = o.depth.max(1 + o.entries[i].1.depth());
            check_depth(o.depth, m)
        }
        Value::Array(rc) => {
            let i = array_index(k, rc.items.len(), m)?;
            if Rc::strong_count(rc) > 1 {
                m.work(rc.items.len() as u64)?;
            }
            let a = Rc::make_mut(rc);
            if i == a.items.len() {
                if a.items.len() >= MAX_ELEMENTS {
                    return Err(m.error(format!("array longer than {MAX_ELEMENTS} elements")));
                }
                a.items.push(Value::Null);
            }
            set_path(&mut a.items[i], rest, v, m)?;
            a.depth = a.depth.max(1 + a.items[i].depth());
            check_depth(a.depth, m)
        }
        other => Err(m.error(format!(
            "cannot set {} on a {}",
            describe(k),
            other.type_name()
        ))),
    }
}

/// Removes the field or element at `keys` from `cur`; missing ones are ignored.
pub(crate) fn del_path(cur: &mut Value, keys: &[Key], m: &mut Meter) -> Result<(), Stop> {
    let Some((k, rest)) = keys.split_first() else {
        return Ok(());
    };
    match cur {
        Value::Null => Ok(()),
        Value::Object(rc) => {
            let key = field_name(k, m)?;
            let Some(i) = rc.find(key, m)? else {
                return Ok(());
            };
            m.work(rc.entries.len() as u64)?;
            let o = Rc::make_mut(rc);
            if rest.is_empty() {
                o.entries.remove(i);
                Ok(())
            } else {
                del_path(&mut o.entries[i].1, rest, m)
            }
        }
        Value::Array(rc) => {
            let i = array_index(k, rc.items.len(), m)?;
            if i == rc.items.len() {
                return Ok(());
            }
            m.work(rc.items.len() as u64)?;
            let a = Rc::make_mut(rc);
            if rest.is_empty() {
                a.items.remove(i);
                Ok(())
            } else {
                del_path(&mut a.items[i], rest, m)
            }
        }
        other => Err(m.error(format!(
            "cannot delete {} of a {}",
            describe(k),
            other.type_name()
        ))),
    }
}
