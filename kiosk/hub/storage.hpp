/// @brief Storage: everything the hub keeps (kiosks, leads, conflicts, rejections, seen
/// webhook ids), behind one interface so that a second backend (PostgreSQL) can be added
/// beside SQLite. Every implementation is safe to call from several threads, and several
/// instances (processes) may share one database: uniqueness is the database's job.
#pragma once
#include "core/sync/protocol.hpp"
#include "sql.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kiosk::hub {

struct StorageResult {
    bool ok = true;
    std::string error; ///< plain words with the database's message; never a secret
    explicit operator bool() const { return ok; }
};

/// A kiosk's latest heartbeat as the hub keeps it.
struct KioskStatus {
    std::string body;               ///< the heartbeat's JSON exactly as received (sync::parseStatus reads it)
    std::int64_t receivedMs = 0;    ///< the hub's clock when it arrived
    std::int64_t clockOffsetMs = 0; ///< the kiosk's clock minus receivedMs: > 0 the kiosk is ahead
};

struct KioskRecord {
    std::string id;
    std::string secret; ///< whsec_…: needed to verify signatures, so kept as is
    bool revoked = false;
    std::int64_t createdMs = 0;
    long long leads = 0, conflicts = 0, rejected = 0; ///< filled by kiosks() only
    std::optional<KioskStatus> status = std::nullopt; ///< filled by kiosks() only; none: never heard from
};

/// One consent text seen in heartbeats, keyed by version, language and the text's SHA-256: a
/// version that arrives with another text gets a second row, it never replaces the first.
struct ConsentTextRow {
    std::string version, language, textSha256, text;
    std::string firstKioskId; ///< the kiosk that sent it first
    std::int64_t firstMs = 0, lastMs = 0;
    long long times = 0; ///< heartbeats that carried it
};

/// A lead as it came in: its id and the exact bytes the kiosk sent.
struct IncomingLead {
    std::string id;
    std::string payload;
};

enum class LeadOutcome {
    Accepted,  ///< stored now
    Duplicate, ///< the same id with the same bytes was stored before
    Conflict,  ///< the same id with other bytes: the first stays, these are kept in conflicts
};

struct StoredLead {
    std::string id, kioskId, payload;
    std::int64_t receivedMs = 0;
};

struct HubCounts {
    long long leads = 0, conflicts = 0, rejected = 0, kiosks = 0;
};

/// How `kiosk-hub migrate` moves a column's values (Row holds them as text: Integer in
/// decimal, Boolean as 0 or 1, Real as written, Text and Bytes as they are).
enum class ColumnType { Text, Integer, Boolean, Real, Bytes };
struct Column {
    std::string name;
    ColumnType type;
};
/// For a backend's columns(): appends `column` to `out`, its catalogue's type name (any case:
/// TEXT, BIGINT, bytea …) as a ColumnType; a type it does not know fails, naming table, column
/// and type, so that nothing is guessed.
StorageResult columnOfCatalogue(const std::string& table, const std::string& column, const std::string& type,
                                std::vector<Column>& out);
/// A table `kiosk-hub migrate` copies: its name and conflict rule from migrate.cpp, its columns
/// from the database's catalogue (Storage::columns).
struct TableSpec {
    const char* name;
    /// What an insert does with a row whose key is there already; empty: ON CONFLICT DO NOTHING.
    const char* onConflict = "";
    std::vector<Column> columns = {};
};
using Row = std::vector<std::optional<std::string>>; ///< one value per column, nullopt: NULL

/// What the hub keeps. The queries (addKiosk … ping) are written once, in storage.cpp, on the
/// one-SQL interface `transaction` (sql.hpp); a backend adds only its connection, its
/// migrations, and for `kiosk-hub migrate` its catalogue's columns and the bulk copy.
class Storage {
public:
    virtual ~Storage() = default;

    /// Fails when the id is taken (revoked ones included: an id is never reused).
    StorageResult addKiosk(const std::string& id, const std::string& tokenHash, const std::string& secret,
                           std::int64_t nowMs);
    /// Fails when there is no such kiosk.
    StorageResult revokeKiosk(const std::string& id);
    /// The kiosk whose token hashes to `tokenHash` (revoked ones too: the caller refuses them).
    StorageResult kioskByToken(const std::string& tokenHash, std::optional<KioskRecord>& out);
    StorageResult kiosks(std::vector<KioskRecord>& out);

    /// Remembers that `kioskId` used `msgId` at `nowS`; `fresh` is false when it did before
    /// (a replay). Ids older than `forgetBeforeS` are forgotten.
    StorageResult claimWebhookId(const std::string& kioskId, const std::string& msgId, std::int64_t nowS,
                                 std::int64_t forgetBeforeS, bool& fresh);

    /// Stores each lead under its id, in one transaction: `out[i]` says what happened to `leads[i]`.
    StorageResult storeLeads(const std::string& kioskId, const std::vector<IncomingLead>& leads, std::int64_t nowMs,
                             std::vector<LeadOutcome>& out);
    /// Counts leads refused by validation (id, reason), for the organiser.
    StorageResult recordRejected(const std::string& kioskId,
                                 const std::vector<std::pair<std::string, std::string>>& rejected, std::int64_t nowMs);

    /// Keeps `status` as the kiosk's latest (unless a later one is stored already: several hub
    /// instances), and every consent text in `report` by (version, language, SHA-256), the first
    /// seen kept, in one transaction. `newVariants`: texts stored now for a version and language
    /// that had another text before (for the organiser to look at).
    StorageResult recordStatus(const std::string& kioskId, const KioskStatus& status,
                               const core::sync::StatusReport& report, long long& newVariants);
    /// Every consent text, by version, language, first seen.
    StorageResult consentTexts(std::vector<ConsentTextRow>& out);

    /// Every stored lead, in the order they arrived (streamed: an event's leads need not fit in memory).
    StorageResult forEachLead(const std::function<void(const StoredLead&)>& each);
    StorageResult counts(HubCounts& out);
    /// A cheap query: the database is reachable and answers.
    StorageResult ping();

    /// For `kiosk-hub migrate`: the columns of `table` as the database's catalogue lists them,
    /// in their order, without those the database numbers itself (PostgreSQL's seq of leads:
    /// the target numbers its own). A table that is not there, or a type not in ColumnType, fails.
    virtual StorageResult columns(const char* table, std::vector<Column>& out) = 0;
    /// For `kiosk-hub migrate`: every row of `table`, in the order they arrived where the
    /// backend keeps one (leads), with the columns of the spec.
    virtual StorageResult exportRows(const TableSpec& table, const std::function<void(const Row&)>& each) = 0;
    /// Inserts `rows` in one transaction; a row whose key is there already is handled by the
    /// spec's onConflict (by default left alone). `changed` counts the rows inserted or updated.
    virtual StorageResult importRows(const TableSpec& table, const std::vector<Row>& rows, long long& changed) = 0;

    /// Runs `body` in one transaction (sql.hpp says which SQL both backends take): committed
    /// when it returns, rolled back when it throws; a failure is `what` with the database's
    /// message. Every query of the hub is written once, on this.
    virtual StorageResult transaction(const std::string& what, const std::function<void(SqlTx&)>& body) = 0;
};

/// Opens (creates, migrates) the database named by hub.toml's `database` value.
std::unique_ptr<Storage> openStorage(const std::string& database, const std::filesystem::path& sqlitePath,
                                     StorageResult& result);

} // namespace kiosk::hub
