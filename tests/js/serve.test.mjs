// `actionhost serve` as a whole: the first line names the URL, and only once the tenant is read
// (a tenant that cannot be read is reported, never announced), unknown routes answer with the
// Management API's error shape, `--tls` serves HTTPS that verifies against the printed CA
// certificate only, and SIGTERM stops the server.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import { join } from "node:path";
import { test } from "node:test";

import { BINARY, copyTenant, startServe } from "./serve_support.mjs";

test("the first line names a free loopback port; unknown routes get Auth0's 404 body", async () => {
  const server = await startServe();
  try {
    assert.match(server.stdout[0], /^listening on http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(new URL(server.url).port, "0");
    const response = await fetch(`${server.url}/no/such/route`);
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), {
      statusCode: 404,
      error: "Not Found",
      message: "Not Found: /no/such/route",
    });
  } finally {
    await server.stop();
  }
});

test("a tenant that cannot be read is reported before the server says it listens", () => {
  const { folder, tenant } = copyTenant();
  try {
    // What a client sees if it reads the tenant while an editor is half-way through saving it.
    writeFileSync(join(tenant, "clients", "Customer Portal.json"), '{"name": "Customer Portal", ');
    const run = spawnSync(BINARY, ["serve", "--tenant", tenant, "--port", "0"], { encoding: "utf8", timeout: 30000 });
    assert.notEqual(run.status, 0);
    assert.equal(run.stdout, "", "nothing announced");
    assert.match(run.stderr, /Customer Portal\.json/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

function get(url, options) {
  return new Promise((resolvePromise, reject) => {
    https
      .get(url, options, (response) => {
        let body = "";
        response.on("data", (chunk) => (body += chunk));
        response.on("end", () => resolvePromise({ status: response.statusCode, body }));
      })
      .on("error", reject);
  });
}

test("--tls serves HTTPS for localhost that only the printed CA certificate verifies", async () => {
  const server = await startServe({ args: ["--tls"] });
  try {
    assert.match(server.url, /^https:\/\/localhost:\d+$/);
    await server.line(/^CA certificate: /);
    const caLine = server.stdout.find((line) => line.startsWith("CA certificate: "));
    const caPath = /^CA certificate: (\S+)/.exec(caLine)[1];
    assert.ok(caPath.startsWith(server.tenant), "the CA certificate is kept in the tenant folder");
    const ca = readFileSync(caPath);
    const answer = await get(`${server.url}/x`, { ca });
    assert.equal(answer.status, 404);
    // Without the CA, Node's default trust store refuses the certificate.
    await assert.rejects(get(`${server.url}/x`, {}), (error) => error.code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" || error.code === "SELF_SIGNED_CERT_IN_CHAIN");
  } finally {
    await server.stop();
  }
});
