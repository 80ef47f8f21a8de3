"""Platform core: organisations, ISMS scopes, roles, policies, audit trail and exports.

No domain logic lives here."""
