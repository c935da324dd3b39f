function migrateRootAttributes(user, context, callback) {
  // Usage from auth0/rules src/rules/migrate-root-attributes.js: new ManagementClient({domain,
  // token}) from the auth0 SDK, then the user read back through the Management API (answered by
  // the HTTP mocks; the SDK's telemetry header, which names the Node version, turned off).
  const ManagementClient = require('auth0').ManagementClient;
  const management = new ManagementClient({ domain: 'example.auth0.com', token: 'a-management-api-token', telemetry: false });
  management.users.get({ id: user.user_id }).then(function (answer) {
    context.idToken['result'] = {
      users: typeof management.users.update,
      roles: typeof management.roles.getAll,
      status: answer.status,
      user: answer.data
    };
    callback(null, user, context);
  }).catch(callback);
}
