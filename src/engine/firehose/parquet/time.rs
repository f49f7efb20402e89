//! Civil-date arithmetic and the timestamp text formats the JSON SerDes accept (semantics.md §4.5).
//!
//! No calendar crate: days ↔ (year, month, day) uses Howard Hinnant's `days_from_civil` /
//! `civil_from_days` (proleptic Gregorian, exact for every `i32` year range used here). Times
//! without a zone are UTC (Firehose converts in UTC). Fractions keep milliseconds and drop the
//! rest (truncation), because the Parquet column is TIMESTAMP_MILLIS.

/// Milliseconds in a day.
pub const MS_PER_DAY: i64 = 86_400_000;

/// Days since 1970-01-01 of a proleptic Gregorian civil date (Hinnant's `days_from_civil`).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of a day count since 1970-01-01 (Hinnant's
/// `civil_from_days`).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Days in a month of a given year.
pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Broken-down fields gathered by a parser; missing ones default to 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug)]
struct Fields {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    millis: u32,
    offset_s: i64,
}

impl Default for Fields {
    fn default() -> Fields {
        Fields {
            year: 1970,
            month: 1,
            day: 1,
            hour: 0,
            minute: 0,
            second: 0,
            millis: 0,
            offset_s: 0,
        }
    }
}

impl Fields {
    /// Validates the fields and returns epoch milliseconds.
    fn to_millis(self) -> Option<i64> {
        if !(-9999..=9999).contains(&self.year)
            || !(1..=12).contains(&self.month)
            || self.day == 0
            || self.day > days_in_month(self.year, self.month)
            || self.hour > 23
            || self.minute > 59
            || self.second > 59
        {
            return None;
        }
        let days = days_from_civil(self.year, self.month, self.day);
        let secs = days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
            - self.offset_s;
        Some(secs * 1000 + i64::from(self.millis))
    }
}

/// A byte cursor over timestamp text.
struct Cur<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cur<'_> {
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    /// Between `min` and `max` ASCII digits: their value and how many were read (`None` on
    /// too few digits or i64 overflow).
    fn digits(&mut self, min: usize, max: usize) -> Option<(i64, usize)> {
        let mut v: i64 = 0;
        let mut n = 0;
        while n < max {
            match self.peek() {
                Some(c @ b'0'..=b'9') => {
                    v = v.checked_mul(10)?.checked_add(i64::from(c - b'0'))?;
                    n += 1;
                    self.i += 1;
                }
                _ => break,
            }
        }
        (n >= min).then_some((v, n))
    }
    /// A fraction of 1..=9 digits, as milliseconds (truncated).
    fn fraction(&mut self, max: usize) -> Option<u32> {
        let (v, n) = self.digits(1, max)?;
        let ms = if n >= 3 {
            v / 10i64.pow(n as u32 - 3)
        } else {
            v * 10i64.pow(3 - n as u32)
        };
        u32::try_from(ms).ok()
    }
    /// `Z`, `z`, `+HH`, `+HHMM` or `+HH:MM` (also `-`), as seconds east of UTC.
    fn offset(&mut self) -> Option<i64> {
        if self.eat(b'Z') || self.eat(b'z') {
            return Some(0);
        }
        let sign = if self.eat(b'+') {
            1
        } else if self.eat(b'-') {
            -1
        } else {
            return None;
        };
        let (h, _) = self.digits(2, 2)?;
        let colon = self.eat(b':');
        let m = match self.digits(2, 2) {
            Some((m, _)) => m,
            None if colon => return None,
            None => 0,
        };
        (h <= 18 && m <= 59).then_some(sign * (h * 3600 + m * 60))
    }
}

/// OpenX-style ISO-8601-ish text: `yyyy-[M]M-[d]d`, optionally followed by `T` or a space,
/// `[H]H:mm[:ss[.f{1,9}]]` and an optional zone `Z` / `±HH[[:]MM]`. Date-only text is midnight UTC.
pub fn parse_iso_like(s: &str) -> Option<i64> {
    parse_datetime(s.trim(), true)
}

/// Hive's default (`java.sql.Timestamp.valueOf`): `yyyy-[M]M-[d]d [H]H:mm:ss[.f{1,9}]`, no zone.
pub fn parse_hive_default(s: &str) -> Option<i64> {
    parse_datetime(s.trim(), false)
}

fn parse_datetime(s: &str, openx: bool) -> Option<i64> {
    let mut c = Cur {
        b: s.as_bytes(),
        i: 0,
    };
    let mut f = Fields::default();
    let sign = if c.eat(b'-') { -1 } else { 1 };
    f.year = sign * c.digits(4, 4)?.0;
    if !c.eat(b'-') {
        return None;
    }
    f.month = c.digits(1, 2)?.0 as u32;
    if !c.eat(b'-') {
        return None;
    }
    f.day = c.digits(1, 2)?.0 as u32;
    if c.done() {
        return if openx { f.to_millis() } else { None };
    }
    if !(c.eat(b' ') || (openx && (c.eat(b'T') || c.eat(b't')))) {
        return None;
    }
    f.hour = c.digits(1, 2)?.0 as u32;
    if !c.eat(b':') {
        return None;
    }
    f.minute = c.digits(2, 2)?.0 as u32;
    if c.eat(b':') {
        f.second = c.digits(2, 2)?.0 as u32;
        if c.eat(b'.') || (openx && c.eat(b',')) {
            f.millis = c.fraction(9)?;
        }
    } else if !openx {
        return None;
    }
    if openx && !c.done() {
        f.offset_s = c.offset()?;
    }
    if !c.done() {
        return None;
    }
    f.to_millis()
}

/// Checks that a Joda `DateTimeFormat` pattern only uses the supported subset: `y M d H m s S Z`
/// letters, `'quoted'` literals and other non-letter characters.
pub fn validate_joda(pattern: &str) -> Result<(), String> {
    if pattern.eq_ignore_ascii_case("millis") {
        return Ok(());
    }
    let mut chars = pattern.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch == '\'' {
            loop {
                match chars.next() {
                    Some('\'') => break,
                    Some(_) => {}
                    None => {
                        return Err(format!(
                            "unterminated quote in timestamp format {pattern:?}"
                        ))
                    }
                }
            }
        } else if ch.is_ascii_alphabetic() && !"yMdHmsSZ".contains(ch) {
            return Err(format!(
                "timestamp format {pattern:?} uses Joda letter '{ch}', which the playground does not support (supported: y M d H m s S Z, 'literal', millis)"
            ));
        }
    }
    Ok(())
}

/// Parses `s` with a Joda pattern subset (see [`validate_joda`]); `None` if it does not match.
/// `yyyy`, `MM`, `dd`, `HH`, `mm`, `ss` take exactly that many digits, one letter takes 1–2
/// (1–4 for `y`); `S…` takes 1–9 fraction digits; `Z` takes `Z` or `±HH[:]MM`.
pub fn parse_joda(s: &str, pattern: &str) -> Option<i64> {
    let p: Vec<char> = pattern.chars().collect();
    let mut c = Cur {
        b: s.as_bytes(),
        i: 0,
    };
    let mut f = Fields::default();
    let mut k = 0;
    while k < p.len() {
        let ch = p[k];
        if ch == '\'' {
            k += 1;
            while k < p.len() && p[k] != '\'' {
                let mut buf = [0u8; 4];
                for &b in p[k].encode_utf8(&mut buf).as_bytes() {
                    if !c.eat(b) {
                        return None;
                    }
                }
                k += 1;
            }
            k += 1;
            continue;
        }
        if !ch.is_ascii_alphabetic() {
            let mut buf = [0u8; 4];
            for &b in ch.encode_utf8(&mut buf).as_bytes() {
                if !c.eat(b) {
                    return None;
                }
            }
            k += 1;
            continue;
        }
        let mut n = 1;
        while k + n < p.len() && p[k + n] == ch {
            n += 1;
        }
        k += n;
        let (min, max) = if n == 1 {
            (1, if ch == 'y' { 4 } else { 2 })
        } else {
            (n, n)
        };
        match ch {
            'y' => f.year = c.digits(min, max)?.0,
            'M' => f.month = c.digits(min, max)?.0 as u32,
            'd' => f.day = c.digits(min, max)?.0 as u32,
            'H' => f.hour = c.digits(min, max)?.0 as u32,
            'm' => f.minute = c.digits(min, max)?.0 as u32,
            's' => f.second = c.digits(min, max)?.0 as u32,
            'S' => f.millis = c.fraction(9)?,
            'Z' => f.offset_s = c.offset()?,
            _ => return None,
        }
    }
    if !c.done() {
        return None;
    }
    f.to_millis()
}
