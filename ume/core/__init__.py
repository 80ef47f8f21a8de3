"""Platform core: organisations, ISMS scopes, roles, policies, audit trail, exports. No domain logic."""
