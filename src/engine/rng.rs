//! The world's one random number generator.
//!
//! Algorithm: **xoshiro256\*\*** (Blackman & Vigna, 2018), seeded by expanding the 64-bit scenario
//! seed with **SplitMix64**, exactly as the authors recommend. Both are specified in a few lines,
//! identical on every target (no `usize`, no floats in the state), and pinned by golden tests, so
//! the same seed yields the same stream natively and in the browser.

/// SplitMix64: a 64-bit generator used to expand a seed into xoshiro's 256-bit state.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator starting at `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// The next 64-bit output.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// xoshiro256\*\*: the seeded generator every random choice in the world draws from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorldRng {
    s: [u64; 4],
}

impl WorldRng {
    /// A generator whose state is four SplitMix64 outputs of `seed`.
    pub fn seeded(seed: u64) -> WorldRng {
        let mut sm = SplitMix64::new(seed);
        WorldRng {
            s: [sm.next_u64(), sm.next_u64(), sm.next_u64(), sm.next_u64()],
        }
    }

    /// The next 64-bit output.
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// A uniform integer in `[0, n)`; `n = 0` yields 0. Uses Lemire's multiply-shift with rejection,
    /// so there is no modulo bias.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        loop {
            let m = (self.next_u64() as u128) * (n as u128);
            let low = m as u64;
            if low >= n.wrapping_neg() % n {
                return (m >> 64) as u64;
            }
        }
    }

    /// A uniform float in `[0, 1)` built from the top 53 bits.
    pub fn unit_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// `true` with probability `p` (clamped to `[0, 1]`).
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit_f64() < p
    }

    /// Independent child generator for a sub-system, derived from this one's next output.
    pub fn fork(&mut self) -> WorldRng {
        WorldRng::seeded(self.next_u64())
    }
}
