using Microsoft.Data.Sqlite;
using Npgsql;

namespace Portal.Data;

/// Failures of the database itself rather than of the request: busy or locked past the wait, full disk, I/O error,
/// PostgreSQL unreachable or out of resources. Callers answer them with 503 (try again) instead of 500, because nothing
/// is wrong with what the client sent and the same request will succeed once the database recovers.
public static class StorageFaults
{
    public const string Code = "storage_unavailable";
    public const int RetryAfterSeconds = 5;
    public const string Message = "Portal's database is busy or out of space right now; nothing was changed. Try again in a few seconds.";

    public static bool IsStorageFault(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
            switch (e)
            {
                // SQLITE_BUSY 5, LOCKED 6, IOERR 10, FULL 13, CANTOPEN 14 (primary codes; extended codes keep them in the low byte).
                case SqliteException sqlite when (sqlite.SqliteErrorCode & 0xFF) is 5 or 6 or 10 or 13 or 14:
                    return true;
                // Class 53: insufficient resources (disk full, out of memory, too many connections); 57P: shutting down;
                // 08: connection failures.
                case PostgresException pg when pg.SqlState.StartsWith("53", StringComparison.Ordinal)
                    || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState.StartsWith("08", StringComparison.Ordinal):
                    return true;
                case NpgsqlException { IsTransient: true }:
                    return true;
            }
        return false;
    }
}
