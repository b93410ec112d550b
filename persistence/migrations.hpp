#pragma once

#include <string>

namespace lakoo::persistence {

/// Brings the schema at `dsn` up to `latest_migration()`.
///
/// Applies the missing entries of an ordered, append-only list of SQL migrations and records each
/// in `schema_migrations(version, applied_at)`. Everything runs in ONE transaction that first takes
/// `pg_advisory_xact_lock`, so nodes starting at once serialize and each migration is applied
/// exactly once; a failure rolls back the whole run. Blocking: call it from `main` before
/// building a `pg_store`. Throws `std::runtime_error` naming the failed step (never the DSN).
void migrate(const std::string& dsn);

/// The version of the newest migration this binary knows.
int latest_migration();

} // namespace lakoo::persistence
