/// Work that the optimiser cannot fold into a formula: the benchmark's time grows with n.
pub fn work(n: u64) -> u64 {
    (0..n).fold(0, |s: u64, i| s.rotate_left(5) ^ i)
}
