//! Natural logarithm and exponential built only from IEEE-754 `+ − × ÷`, so a value is the same
//! bit for bit natively and in wasm (the platform `ln`/`exp`/`powf` may differ in the last ulp,
//! and a Zipf sampler compares against such values).

/// ln 2 split Cody-Waite style (fdlibm's constants): `LN2_HI` has trailing zero bits, so `k·LN2_HI`
/// is exact for the exponents used here.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
/// The rest of ln 2.
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);

/// `2^k` for `k` in the normal range, built from its bit pattern (exact).
fn pow2(k: i64) -> f64 {
    let k = k.clamp(-1022, 1023);
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// Natural logarithm of a finite `x > 0` (returns `-inf` for `x <= 0`). Accurate to a few ulps.
pub fn ln(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return x;
    }
    // x = m · 2^e with m in [1, 2) (subnormals are scaled up first).
    let (x, bias) = if x < f64::MIN_POSITIVE {
        (x * pow2(54), -54)
    } else {
        (x, 0)
    };
    let bits = x.to_bits();
    let e = ((bits >> 52) & 0x7ff) as i64 - 1023 + bias;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    let mut e = e;
    // Centre m on 1 so the series converges fast: m in [√½, √2).
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    // ln m = 2·atanh(z), z = (m − 1)/(m + 1), |z| < 0.172.
    let z = (m - 1.0) / (m + 1.0);
    let z2 = z * z;
    let mut term = z;
    let mut sum = 0.0;
    let mut k = 1.0;
    for _ in 0..30 {
        sum += term / k;
        term *= z2;
        k += 2.0;
    }
    let e = e as f64;
    e * LN2_HI + (e * LN2_LO + 2.0 * sum)
}

/// `e^y`, saturating to 0 and `+inf` outside the double range. Accurate to a few ulps.
pub fn exp(y: f64) -> f64 {
    if y.is_nan() {
        return y;
    }
    if y < -745.0 {
        return 0.0;
    }
    if y > 709.0 {
        return f64::INFINITY;
    }
    // y = k·ln2 + r with |r| ≤ ln2/2; e^r by its Taylor series.
    let k = (y / std::f64::consts::LN_2 + if y < 0.0 { -0.5 } else { 0.5 }) as i64;
    let r = (y - k as f64 * LN2_HI) - k as f64 * LN2_LO;
    let mut term = 1.0;
    let mut sum = 1.0;
    for i in 1..25 {
        term = term * r / i as f64;
        sum += term;
    }
    // Split the scaling so 2^k never leaves the normal range.
    let half = k / 2;
    sum * pow2(half) * pow2(k - half)
}

/// `base^exponent` for `base > 0`, as `exp(exponent · ln base)`.
pub fn powf(base: f64, exponent: f64) -> f64 {
    exp(exponent * ln(base))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_to_the_platform_functions() {
        for &x in &[1e-300, 0.001, 0.5, 1.0, 1.5, 2.0, 10.0, 12345.678, 1e300] {
            let (got, want) = (ln(x), x.ln());
            assert!(
                (got - want).abs() <= 1e-14 * want.abs().max(1.0),
                "ln({x}) = {got}, want {want}"
            );
        }
        for &y in &[-700.0, -20.0, -1.0, -1e-9, 0.0, 0.3, 1.0, 5.5, 700.0] {
            let (got, want) = (exp(y), y.exp());
            assert!(
                (got - want).abs() <= 1e-14 * want,
                "exp({y}) = {got}, want {want}"
            );
        }
        assert!((powf(100_000.0, -1.2) - 100_000f64.powf(-1.2)).abs() < 1e-18);
    }
}
