//! RS256 token signatures (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 §3.3) with a 2048-bit key,
//! as `simulate --sign` and `serve` make them: `aws-lc-rs`, which actionhost signs with, beside
//! `ring`, the other well-kept choice (both already in the build). The two give the same bytes
//! (the scheme is deterministic); this says what each costs.
//!
//! cargo bench --bench signing

use criterion::{criterion_group, criterion_main, Criterion};
use rsa::pkcs8::EncodePrivateKey;

/// A JWS signing input of the size of an ID token (header and claims, base64url).
const INPUT: &[u8] = b"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Ik1rR2h4In0.eyJpc3MiOiJodHRwczovL2V4YW1wbGUuYXV0aDAuY29tLyIsInN1YiI6ImF1dGgwfDY1YTUwMjdmOWIzYzRkMWUyZjNhNGI1YyIsImF1ZCI6Ild4MUludGVybmFsMFRvb2xzMENsaWVudDBJZDAwMDEiLCJpYXQiOjE3MTcyMzQyMDAsImV4cCI6MTcxNzI3MDIwMCwibm9uY2UiOiJuLTBTNl9XekEyTWoifQ";

fn signing(c: &mut Criterion) {
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("an RSA key");
    let der = key.to_pkcs8_der().expect("PKCS#8");
    let aws = aws_lc_rs::signature::RsaKeyPair::from_pkcs8(der.as_bytes()).expect("aws-lc-rs key");
    let ring_key = ring::signature::RsaKeyPair::from_pkcs8(der.as_bytes()).expect("ring key");
    let (aws_rng, ring_rng) = (aws_lc_rs::rand::SystemRandom::new(), ring::rand::SystemRandom::new());
    let (mut aws_signature, mut ring_signature) = (vec![0; 256], vec![0; 256]);
    aws.sign(&aws_lc_rs::signature::RSA_PKCS1_SHA256, &aws_rng, INPUT, &mut aws_signature).unwrap();
    ring_key.sign(&ring::signature::RSA_PKCS1_SHA256, &ring_rng, INPUT, &mut ring_signature).unwrap();
    assert_eq!(aws_signature, ring_signature, "RSASSA-PKCS1-v1_5 is deterministic");
    let mut group = c.benchmark_group("RS256 signature, 2048-bit key");
    group.bench_function("aws-lc-rs (actionhost)", |b| {
        b.iter(|| aws.sign(&aws_lc_rs::signature::RSA_PKCS1_SHA256, &aws_rng, INPUT, &mut aws_signature).unwrap())
    });
    group.bench_function("ring", |b| {
        b.iter(|| ring_key.sign(&ring::signature::RSA_PKCS1_SHA256, &ring_rng, INPUT, &mut ring_signature).unwrap())
    });
    group.finish();
}

criterion_group!(benches, signing);
criterion_main!(benches);
