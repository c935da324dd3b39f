// Run by serve_management.test.mjs in a child `node` whose NODE_EXTRA_CA_CERTS trusts the
// server's local CA (Node reads that variable only at start): the real `auth0` SDK against
// `actionhost serve --tls`. With SDK_CLIENT_ID/SDK_CLIENT_SECRET the SDK fetches its own token
// from /oauth/token (client credentials); with SDK_TOKEN it uses that token. It sets
// client_metadata keys, deletes one with null, reads the client back, then tries an 11th key;
// it prints one JSON line of what it saw.

import { ManagementClient } from "auth0";

const { SDK_DOMAIN: domain, SDK_CLIENT_ID: clientId, SDK_CLIENT_SECRET: clientSecret, SDK_TOKEN: token } = process.env;
const target = process.env.SDK_TARGET;
const management = token
  ? new ManagementClient({ domain, token })
  : new ManagementClient({ domain, clientId, clientSecret });

const seen = {};
const updated = await management.clients.update(
  { client_id: target },
  { client_metadata: { SDK_A: "1", SDK_B: "2", SUPPORT_URL: null } },
);
seen.updated = updated.data.client_metadata;
const read = await management.clients.get({ client_id: target });
seen.read = read.data.client_metadata;
const fill = {};
for (let i = 0; Object.keys(seen.read).length + Object.keys(fill).length < 10; i++) fill[`FILL_${i}`] = "x";
await management.clients.update({ client_id: target }, { client_metadata: fill });
try {
  await management.clients.update({ client_id: target }, { client_metadata: { ELEVENTH: "x" } });
  seen.eleventh = "accepted";
} catch (error) {
  seen.eleventh = { name: error.name, statusCode: error.statusCode, errorCode: error.errorCode, message: error.message };
}
const after = await management.clients.get({ client_id: target });
seen.final = after.data.client_metadata;
console.log(JSON.stringify(seen));
