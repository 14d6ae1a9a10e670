use criterion::{criterion_group, criterion_main, Criterion};
use std::time::Duration;

fn bench(c: &mut Criterion) {
    c.bench_function("work", |b| b.iter(|| work::work(1000)));
    c.bench_function("other", |b| b.iter(|| work::work(10)));
}

// Short rounds: perfgate reads one value per benchmark and round, so criterion's own analysis can be small.
fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(100))
        .measurement_time(Duration::from_millis(300))
        .sample_size(10)
        .nresamples(1000)
        .without_plots()
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench
}
criterion_main!(benches);
