function migrateRootAttributes(user, context, callback) {
  // Usage from auth0/rules src/rules/migrate-root-attributes.js: new ManagementClient({domain,
  // token}) from the auth0 SDK (constructed only; calling it would need the network).
  const ManagementClient = require('auth0').ManagementClient;
  const management = new ManagementClient({ domain: 'example.auth0.com', token: 'a-management-api-token' });
  context.idToken['result'] = {
    users: typeof management.users.update,
    roles: typeof management.roles.getAll
  };
  callback(null, user, context);
}
