// Web Crypto as Actions use it: a token's RS256 / ES256 / HS256 signature checked with
// crypto.subtle against a JWK (the way Action templates verify a partner's token without a
// package), plus digests, PBKDF2 and HKDF key derivation, AES-GCM, and the errors of bad keys.
// Every value is deterministic (fixed keys, salts and IVs); an ECDSA signature is random, so
// only whether it verifies is reported.
const RSA_JWK = {"kty": "RSA", "n": "1wnR8s44l2mr6etwuLPeOMbKNbwfhTC0CS9gVlRfpjHJhSL4ajumq177m8LOjkIDiFuATYeaAKht3BjNKWX8rvG8JbuHhLUTRuUwSYWQkGzweucYo6mlVka1lggrULPzzRu5eNvuJQQnvbaeEWl-kSkQGZDxxu5FWUTGuM00CeO0xpPf8uUUXlpH1EQEAcQoiM8YiS8IVyj4wthm4XHPCSIdrgRnFH4t2RChu5CPmgIQjxyns4dS6L5YkfusGi_zUj1z3ezf4BPEQFwr8WGcAW7cWTqy3RvOH5_1_PPZFoBAZB39ZE8c7EsyHL_o3RaJ2vYaOMCw7fY5iyQEI8FHQw", "e": "AQAB", "d": "BFn7hXLs33HqlUcH0FHVFMfZC0tT3ymEJMEKE9UmdluAw3clf1wKD5YfEbpyEAJ_-QA5BKVsCJVf9VmliGMhWnzwnMB1vP0l3bc0Y4uwLp81vDCO_0jaKRIw1hwzApgRpLxQSlGd0q8jcSOP57RMNMdki8_mEWt8iPjrHvQ85SV_9_iSm06P4MpKJ1H64ykOHrzOhAPSXOpO-dvkdx0DymwJDxJyW7KV1PqpYqouRClv6haqK7GWfeKlwZVOgQ4aPMRSaaddFAzLtpJDncJc1Q7R9pwx1NfIDfn4Qv0_ZqJFWAXXUe6-bDY1b3pMUu_AoFAEG-wwS3hpqL4hDHe4CQ", "p": "94PXev1lqmRBUSDjo-xNk4ZxCsx0TqN4JB4D0IbFz9A0gdCZUTSpBMgj4Bfny_4yDcEWRC-LA_2dGmsRmCsbSmwciVOO59AIuQ-GEQOi_Cqlr3Y1MgCdAz0iLvV04bQ9gZSvtv8Dd0d-dxhU6M5PZGD1zIq-_nNEyAyo5l0zFYU", "q": "3mj3vKheLTgu3UuxLWeq6sF74uE5g3jNTf2S2uEzQRP6BkhMqFu7YoT_I9R25dM7SKiKwlddSm0Nd9zku7mvw1S-gxRj2a08FMWDuKHFYdU7QOrxps3mRyDzto1cw0mxb0NA2JqPaQBeToQkKCnJqbrkACtroVOaQSDwhT3lACc", "dp": "3P6vn5Wud3OqShiWiB8NqOHJ_r1MP4Z_V6gg-cfLyN_6ccnhinr9SlK0jXpqsV3WLSewjNLySW7hHdxpSjd613kuBYNAvkOl9i4hIwHfPU2Kv95IYsvfZSvpYIoygO-gVxl9xmNtIcwI46cq8O58PoDAFo_vNluPFxsOlxix6s0", "dq": "exBr3Bjxm2XWEJ78V5pgKWuMCDsFXujt-PSRWMl5Wc4a73T77cBsTBQ5NPMwIvUhfY-8z9IVjcQPyr4QVotlZNi0XcVfhqfjcb7kprnkhMC--6nEsr6FZ-Ak2mMX6_sP0ffNnszPA5OvmxRlCVAuBNujozBjaq3e0aDPVXqtBss", "qi": "EJBS2fKfQXrY8MIS1Kkte-dPXXwtwDjngh1z1FfvZVmfBf0lru67ZPSngeAv1Yrl45M2dgJJSEodX8rfK43gUwyC2X4zN1QMdL_w3G-WSpR9NZZx-_tVfxDQCtJewilq3Geaz_ZDjZf_JpLb4RO29kCAkxQgA0Q6O295c87T4vk"};
const EC_JWK = {"kty": "EC", "x": "DMRiQbQMdYXUWN1iAto46hyFzYmesvDnR63nizP4Jeg", "y": "KGPS8nRj5JLWG-V5n3LU3gxJJvHtfilNob3b5FIrPFk", "crv": "P-256", "d": "9mAXn4HQp-O3lfnm5rHIMoJxVwiNWNgtAHgCMC4Mj4U"};

const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
const b64url = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const publicPart = ({ d, p, q, dp, dq, qi, ...rest }) => rest;

exports.onExecutePostLogin = async (event, api) => {
  const { subtle } = crypto;
  const enc = new TextEncoder();
  const out = {};
  out.digests = {};
  for (const name of ["SHA-1", "SHA-256", "SHA-384", "SHA-512"]) {
    out.digests[name] = hex(await subtle.digest(name, enc.encode(event.user.email)));
  }
  // RS256: sign with the private JWK, verify with the public one (PKCS#1 v1.5 is deterministic).
  const rs = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  const rsaPrivate = await subtle.importKey("jwk", RSA_JWK, rs, false, ["sign"]);
  const rsaPublic = await subtle.importKey("jwk", publicPart(RSA_JWK), rs, true, ["verify"]);
  const header = b64url(enc.encode(JSON.stringify({ alg: "RS256", typ: "JWT" })));
  const payload = b64url(enc.encode(JSON.stringify({ sub: event.user.user_id, iat: 1700000000 })));
  const signature = await subtle.sign(rs, rsaPrivate, enc.encode(`${header}.${payload}`));
  out.rs256 = {
    signature: b64url(signature),
    verifies: await subtle.verify(rs, rsaPublic, signature, enc.encode(`${header}.${payload}`)),
    tampered: await subtle.verify(rs, rsaPublic, signature, enc.encode(`${header}.${payload}x`)),
    key: [rsaPublic.type, rsaPublic.extractable, rsaPublic.algorithm.name, rsaPublic.algorithm.modulusLength, rsaPublic.usages],
    exported: (await subtle.exportKey("jwk", rsaPublic)).n === RSA_JWK.n,
  };
  // ES256 with the curve's JWK.
  const es = { name: "ECDSA", hash: "SHA-256" };
  const ecPrivate = await subtle.importKey("jwk", EC_JWK, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
  const ecPublic = await subtle.importKey("jwk", publicPart(EC_JWK), { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
  const ecSignature = await subtle.sign(es, ecPrivate, enc.encode("message"));
  out.es256 = [ecSignature.byteLength, await subtle.verify(es, ecPublic, ecSignature, enc.encode("message")), hex(await subtle.exportKey("raw", ecPublic)).length];
  // HS256 with a secret.
  const hmacKey = await subtle.importKey("raw", enc.encode("a shared secret"), { name: "HMAC", hash: "SHA-256" }, true, ["sign", "verify"]);
  const mac = await subtle.sign("HMAC", hmacKey, enc.encode("message"));
  out.hs256 = [b64url(mac), await subtle.verify("HMAC", hmacKey, mac, enc.encode("message")), hmacKey.algorithm.length];
  // Key derivation.
  const password = await subtle.importKey("raw", enc.encode("hunter2"), "PBKDF2", false, ["deriveBits"]);
  out.pbkdf2 = hex(await subtle.deriveBits({ name: "PBKDF2", salt: enc.encode("salt"), iterations: 1000, hash: "SHA-256" }, password, 256));
  const ikm = await subtle.importKey("raw", enc.encode("input key material"), "HKDF", false, ["deriveBits"]);
  out.hkdf = hex(await subtle.deriveBits({ name: "HKDF", salt: enc.encode("salt"), info: enc.encode("info"), hash: "SHA-256" }, ikm, 128));
  // AES-GCM with a fixed key and IV.
  const aes = await subtle.importKey("raw", new Uint8Array(32).fill(7), "AES-GCM", true, ["encrypt", "decrypt"]);
  const iv = new Uint8Array(12).fill(1);
  const sealed = await subtle.encrypt({ name: "AES-GCM", iv }, aes, enc.encode("secret message"));
  out.aesGcm = [hex(sealed), new TextDecoder().decode(await subtle.decrypt({ name: "AES-GCM", iv }, aes, sealed))];
  // What goes wrong, as scripts see it.
  const attempt = async (f) => { try { await f(); return "no error"; } catch (e) { return [e.name, e instanceof DOMException || e instanceof TypeError]; } };
  out.errors = [
    await attempt(() => subtle.digest("MD5", enc.encode("x"))),
    await attempt(() => subtle.importKey("jwk", { kty: "RSA" }, rs, false, ["verify"])),
    await attempt(() => subtle.sign(rs, rsaPublic, enc.encode("x"))),
    await attempt(() => subtle.decrypt({ name: "AES-GCM", iv }, aes, new Uint8Array(20))),
  ];
  out.globals = [typeof CryptoKey, typeof SubtleCrypto, rsaPublic instanceof CryptoKey, subtle instanceof SubtleCrypto];
  api.idToken.setCustomClaim("result", out);
};
