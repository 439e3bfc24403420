use criterion::{Criterion, criterion_group, criterion_main};
fn stub(c: &mut Criterion) { c.bench_function("stub", |b| b.iter(|| 1 + 1)); }
criterion_group!(benches, stub);
criterion_main!(benches);
