//! The tree-walking interpreter: statements and expressions, every step metered.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::ast::{BinOp, Expr, ExprKind, PathStep, Stmt, StmtKind, Target};
use super::functions;
use super::meter::{Meter, Stop};
use super::path::{del_path, set_path, Key};
use super::value::{self, compare, deep_eq, Value, MAX_ELEMENTS, MAX_STRING_BYTES};

/// How a statement finished.
pub(crate) enum Flow {
    Next,
    Break,
    Continue,
    Return(Value),
    Drop,
    Fail(String),
}

/// A running script: variable slots, the meter and the partition keys set so far.
pub(crate) struct Interp {
    pub slots: Vec<Value>,
    pub m: Meter,
    pub keys: BTreeMap<String, String>,
}

impl Interp {
    /// Runs statements in order until one does not finish normally.
    pub fn block(&mut self, body: &[Stmt]) -> Result<Flow, Stop> {
        for s in body {
            match self.stmt(s)? {
                Flow::Next => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Next)
    }

    fn stmt(&mut self, s: &Stmt) -> Result<Flow, Stop> {
        self.m.line = s.line;
        self.m.ops(1)?;
        match &s.kind {
            StmtKind::Let(slot, e) => {
                let v = self.eval(e)?;
                self.slots[*slot] = v;
            }
            StmtKind::Assign {
                target,
                op,
                read,
                value,
            } => {
                let keys = self.keys_of(target)?;
                let mut v = self.eval(value)?;
                if let (Some(op), Some(read)) = (op, read) {
                    let cur = self.eval(read)?;
                    self.m.line = s.line;
                    v = self.arith(*op, cur, v)?;
                }
                self.m.line = s.line;
                set_path(&mut self.slots[target.slot], &keys, v, &mut self.m)?;
            }
            StmtKind::Delete(target) => {
                let keys = self.keys_of(target)?;
                self.m.line = s.line;
                del_path(&mut self.slots[target.slot], &keys, &mut self.m)?;
            }
            StmtKind::If(branches, otherwise) => {
                for (cond, body) in branches {
                    if self.eval(cond)?.truthy() {
                        return self.block(body);
                    }
                }
                if let Some(body) = otherwise {
                    return self.block(body);
                }
            }
            StmtKind::While(cond, body) => loop {
                self.m.line = s.line;
                self.m.ops(1)?;
                if !self.eval(cond)?.truthy() {
                    break;
                }
                match self.block(body)? {
                    Flow::Next | Flow::Continue => {}
                    Flow::Break => break,
                    other => return Ok(other),
                }
            },
            StmtKind::For(slot, over, body) => {
                let over = self.eval(over)?;
                self.m.line = s.line;
                let items: Vec<Value> = match &over {
                    Value::Array(a) => a.items.clone(),
                    Value::Object(o) => o
                        .entries
                        .iter()
                        .map(|(k, _)| Value::Str(k.clone()))
                        .collect(),
                    Value::Str(t) => t
                        .chars()
                        .map(|c| Value::str(c.encode_utf8(&mut [0; 4])))
                        .collect(),
                    Value::Null => Vec::new(),
                    other => {
                        return Err(self
                            .m
                            .error(format!("cannot loop over a {}", other.type_name())))
                    }
                };
                self.m.work(items.len() as u64)?;
                for item in items {
                    self.m.line = s.line;
                    self.m.ops(1)?;
                    self.slots[*slot] = item;
                    match self.block(body)? {
                        Flow::Next | Flow::Continue => {}
                        Flow::Break => break,
                        other => return Ok(other),
                    }
                }
            }
            StmtKind::Return(e) => {
                let v = match e {
                    Some(e) => self.eval(e)?,
                    None => self.slots[0].clone(),
                };
                return Ok(Flow::Return(v));
            }
            StmtKind::Drop => return Ok(Flow::Drop),
            StmtKind::Fail(e) => {
                let v = self.eval(e)?;
                return Ok(Flow::Fail(value::to_text(&v, &mut self.m)?));
            }
            StmtKind::Partition(k, v) => {
                let k = self.eval(k)?;
                let v = self.eval(v)?;
                self.m.line = s.line;
                let Value::Str(k) = k else {
                    return Err(self.m.error(format!(
                        "partition key name must be a string, got {}",
                        k.type_name()
                    )));
                };
                let v = value::to_text(&v, &mut self.m)?;
                self.m.work(k.len() as u64)?;
                self.keys.insert(k.to_string(), v);
            }
            StmtKind::Break => return Ok(Flow::Break),
            StmtKind::Continue => return Ok(Flow::Continue),
            StmtKind::Expr(e) => {
                self.eval(e)?;
            }
        }
        Ok(Flow::Next)
    }

    fn keys_of(&mut self, target: &Target) -> Result<Vec<Key>, Stop> {
        let mut keys = Vec::with_capacity(target.path.len());
        for step in &target.path {
            keys.push(match step {
                PathStep::Field(f) => Key::Field(Rc::from(f.as_str())),
                PathStep::Index(e) => Key::Index(self.eval(e)?),
            });
        }
        Ok(keys)
    }

    /// Evaluates an expression.
    pub fn eval(&mut self, e: &Expr) -> Result<Value, Stop> {
        self.m.line = e.line;
        self.m.ops(1)?;
        Ok(match &e.kind {
            ExprKind::Null => Value::Null,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Int(i) => Value::Int(*i),
            ExprKind::Float(f) => Value::Float(*f),
            ExprKind::Str(s) => {
                self.m.work(s.len() as u64)?;
                Value::str(s)
            }
            ExprKind::Var(slot) => self.slots[*slot].clone(),
            ExprKind::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.eval(item)?);
                }
                Value::array(out).map_err(|err| self.m.error(err))?
            }
            ExprKind::Object(items) => {
                self.m.work(items.len() as u64)?;
                let mut out = Vec::with_capacity(items.len());
                for (k, item) in items {
                    out.push((Rc::from(k.as_str()), self.eval(item)?));
                }
                Value::object(out).map_err(|err| self.m.error(err))?
            }
            ExprKind::Field(inner, name) => {
                let v = self.eval(inner)?;
                self.m.line = e.line;
                self.get(&v, &Value::str(name), true)?
            }
            ExprKind::Index(inner, index) => {
                let v = self.eval(inner)?;
                let i = self.eval(index)?;
                self.m.line = e.line;
                self.get(&v, &i, false)?
            }
            ExprKind::Call(f, args) => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    vals.push(self.eval(a)?);
                }
                self.m.line = e.line;
                functions::call(*f, vals, &mut self.m)?
            }
            ExprKind::Not(inner) => Value::Bool(!self.eval(inner)?.truthy()),
            ExprKind::Neg(inner) => {
                let v = self.eval(inner)?;
                self.m.line = e.line;
                if v.as_f64().is_none() {
                    return Err(self.m.error(format!("cannot negate a {}", v.type_name())));
                }
                self.arith(BinOp::Sub, Value::Int(0), v)?
            }
            ExprKind::Binary(BinOp::And, a, b) => {
                let l = self.eval(a)?;
                if !l.truthy() {
                    return Ok(l);
                }
                self.eval(b)?
            }
            ExprKind::Binary(BinOp::Or, a, b) => {
                let l = self.eval(a)?;
                if l.truthy() {
                    return Ok(l);
                }
                self.eval(b)?
            }
            ExprKind::Binary(op, a, b) => {
                let l = self.eval(a)?;
                let r = self.eval(b)?;
                self.m.line = e.line;
                self.arith(*op, l, r)?
            }
        })
    }

    /// `v.field` (`dot`) or `v[index]`: missing fields and indices read as null.
    fn get(&mut self, v: &Value, key: &Value, dot: bool) -> Result<Value, Stop> {
        Ok(match (v, key) {
            (Value::Null, _) => Value::Null,
            (Value::Object(o), Value::Str(k)) => match o.find(k, &mut self.m)? {
                Some(i) => o.entries[i].1.clone(),
                None => Value::Null,
            },
            (Value::Array(a), Value::Int(i)) => usize::try_from(*i)
                .ok()
                .and_then(|i| a.items.get(i).cloned())
                .unwrap_or(Value::Null),
            (Value::Str(s), Value::Int(i)) => {
                self.m.work(s.len() as u64)?;
                usize::try_from(*i)
                    .ok()
                    .and_then(|i| s.chars().nth(i))
                    .map(|c| Value::str(c.encode_utf8(&mut [0; 4])))
                    .unwrap_or(Value::Null)
            }
            (Value::Object(_), k) => {
                return Err(self
                    .m
                    .error(format!("object keys are strings, not {}", k.type_name())))
            }
            (Value::Array(_) | Value::Str(_), k) if !dot => {
                return Err(self.m.error(format!(
                    "{} index must be an integer, not {}",
                    v.type_name(),
                    k.type_name()
                )))
            }
            (_, Value::Str(k)) if dot => {
                return Err(self
                    .m
                    .error(format!("cannot read field '{k}' of a {}", v.type_name())))
            }
            _ => return Err(self.m.error(format!("cannot index a {}", v.type_name()))),
        })
    }

    /// A binary operator other than `&&`/`||`.
    pub fn arith(&mut self, op: BinOp, l: Value, r: Value) -> Result<Value, Stop> {
        use Value::{Float, Int, Str};
        let num = |v: Value| -> Result<Value, Stop> {
            match v {
                Float(f) if !f.is_finite() => Err(self.m.error("number overflow")),
                v => Ok(v),
            }
        };
        let out = match (op, &l, &r) {
            (BinOp::Eq, ..) => Value::Bool(deep_eq(&l, &r, &mut self.m)?),
            (BinOp::Ne, ..) => Value::Bool(!deep_eq(&l, &r, &mut self.m)?),
            (BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge, ..) => {
                let Some(ord) = compare(&l, &r) else {
                    return Err(self.m.error(format!(
                        "cannot compare {} with {}",
                        l.type_name(),
                        r.type_name()
                    )));
                };
                Value::Bool(match op {
                    BinOp::Lt => ord.is_lt(),
                    BinOp::Le => ord.is_le(),
                    BinOp::Gt => ord.is_gt(),
                    _ => ord.is_ge(),
                })
            }
            (BinOp::Add, Str(_), _) | (BinOp::Add, _, Str(_)) => {
                let a = value::to_text(&l, &mut self.m)?;
                let b = value::to_text(&r, &mut self.m)?;
                if a.len() + b.len() > MAX_STRING_BYTES {
                    return Err(self
                        .m
                        .error(format!("string longer than {MAX_STRING_BYTES} bytes")));
                }
                Value::Str(Rc::from(a + &b))
            }
            (BinOp::Add, Value::Array(a), Value::Array(b)) => {
                let n = a.items.len() + b.items.len();
                if n > MAX_ELEMENTS {
                    return Err(self
                        .m
                        .error(format!("array longer than {MAX_ELEMENTS} elements")));
                }
                self.m.work(n as u64)?;
                let items = a.items.iter().chain(&b.items).cloned().collect();
                Value::array(items).map_err(|e| self.m.error(e))?
            }
            (_, Int(a), Int(b)) => {
                let (a, b) = (*a, *b);
                if matches!(op, BinOp::Div | BinOp::Rem) && b == 0 {
                    return Err(self.m.error("division by zero"));
                }
                let exact = match op {
                    BinOp::Add => a.checked_add(b),
                    BinOp::Sub => a.checked_sub(b),
                    BinOp::Mul => a.checked_mul(b),
                    BinOp::Rem => a.checked_rem(b),
                    _ => a
                        .checked_rem(b)
                        .filter(|r| *r == 0)
                        .and_then(|_| a.checked_div(b)),
                };
                match exact {
                    Some(v) => Int(v),
                    None => num(Float(float_op(op, a as f64, b as f64)))?,
                }
            }
            (_, Int(_) | Float(_), Int(_) | Float(_)) => {
                let (a, b) = (l.as_f64().unwrap_or(0.0), r.as_f64().unwrap_or(0.0));
                if matches!(op, BinOp::Div | BinOp::Rem) && b == 0.0 {
                    return Err(self.m.error("division by zero"));
                }
                num(Float(float_op(op, a, b)))?
            }
            _ => {
                let sym = match op {
                    BinOp::Add => "+",
                    BinOp::Sub => "-",
                    BinOp::Mul => "*",
                    BinOp::Div => "/",
                    _ => "%",
                };
                return Err(self.m.error(format!(
                    "cannot apply '{sym}' to {} and {}",
                    l.type_name(),
                    r.type_name()
                )));
            }
        };
        Ok(out)
    }
}

fn float_op(op: BinOp, a: f64, b: f64) -> f64 {
    match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div => a / b,
        _ => a % b,
    }
}
