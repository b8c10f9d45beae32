/// @brief LeadStore: the durable offline store of leads (SQLite, WAL, synchronous=FULL).
///
/// A lead is acknowledged to the visitor only after insert() returned ok, that
/// is after COMMIT returned: SQLite then promises it survives a crash.
#pragma once
#include "../result.hpp"
#include "figures.hpp"
#include "lead.hpp"

#include <filesystem>
#include <map>
#include <functional>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace kiosk::core {

/// The store's results are the core's (result.hpp); SQLite's message is in the error.
using StoreResult = Status;
template <class T> using StoreRead = Result<T>;

/// The device and inode of a file; both 0 when it does not exist.
struct FileId {
    unsigned long long dev = 0, ino = 0;
    bool operator==(const FileId&) const = default;
};
FileId fileId(const std::filesystem::path& p);

/// Notices that leads.db or its -wal file was removed or replaced under an open
/// connection (docs/deploy.md, "Files changed under the kiosk"). Every connection of
/// the process to the same file shares one record, so that only the first to notice
/// rescues the WAL and the others just reopen.
class FileGuard {
public:
    explicit FileGuard(std::filesystem::path dbPath) : m_path(std::move(dbPath)) {}
    /// Call right after opening `db`: reads from it once (so its WAL is open), notes the files.
    void opened(sqlite3* db);
    /// Before using `db`: ok and !reopen: go on. ok and reopen: the WAL was removed or
    /// replaced (its leads are now in leads.db): close, open again, go on. Not ok: leads.db
    /// itself was removed or replaced; what this connection held was saved beside it and
    /// every connection of the process refuses from now on.
    StoreResult check(sqlite3* db, bool& reopen);
    /// Set when leads.db was removed or replaced under this process: why nothing is stored.
    static std::string refusal(const std::filesystem::path& dbPath);
    /// The last thing a guard did about changed files (for staff), empty if nothing.
    static std::string notice(const std::filesystem::path& dbPath);

private:
    std::filesystem::path m_path;
    FileId m_db, m_wal;
    int m_generation = 0;
};

/// A lead removed on the visitor's request (the erasure log keeps no personal data).
struct ErasedLead {
    std::string id;
    bool wasSynced = false;
};

/// What staff see at a glance.
struct LeadStats {
    long long total = 0, today = 0;
    long long pending = 0, synced = 0, failed = 0;
    std::vector<std::pair<std::string, long long>> perExhibitor; ///< company id, leads
    std::vector<long long> perHourToday = std::vector<long long>(24, 0); ///< local hours of today
};

/// The answers to a form's own questions: field id -> option id (a yes/no field: "yes",
/// "no") -> leads that chose it. Only choice, multi and yes/no fields, only the options the
/// form lists (a free-text answer never gets here).
using AnswerCounts = std::map<std::string, std::map<std::string, long long>>;

class LeadStore {
public:
    /// The schema version this build writes; older files are migrated forward on open.
    static constexpr int kSchemaVersion = 6;

    explicit LeadStore(std::filesystem::path dbPath) : m_path(std::move(dbPath)) {}
    ~LeadStore();
    LeadStore(const LeadStore&) = delete;
    LeadStore& operator=(const LeadStore&) = delete;

    /// Creates the folder (0700) and file (0600) if needed, sets WAL + FULL sync,
    /// migrates. Safe to call again after a failure.
    StoreResult open();
    /// For commands that only read: never creates a folder or file, never migrates or
    /// writes; a missing file, an older or a newer schema is an error naming the path.
    StoreResult openReadOnly();
    /// Is there a lead database at `dbPath`? Else an error naming it (and a missing folder)
    /// for commands that must not start a new, empty one on a mistyped --data-dir.
    static StoreResult present(const std::filesystem::path& dbPath);
    /// Stores the lead in one transaction. The same id twice stores it once (and is ok).
    /// On failure nothing is stored and the next call reopens the database.
    StoreResult insert(const Lead& lead);
    /// Many leads in one transaction (generated data, imports): all or none.
    StoreResult insertBatch(const std::vector<Lead>& leads);
    /// The form leads are captured with from now on: open() keeps its definition beside the
    /// leads (once per version), so that exports name the columns of every form a lead
    /// was captured with. Call before open().
    void useForm(FormDef form) { m_form = std::move(form); }
    /// Every form definition kept, oldest first.
    StoreRead<std::vector<FormDef>> forms();

    /// Withdrawal: removes every lead with this email (case-insensitive) and logs each
    /// erasure (lead id, time, whether it had been synced) in one transaction.
    StoreResult eraseByEmail(const std::string& email, std::int64_t nowMs, std::vector<ErasedLead>& erased);
    /// The hub's erasure (docs/sync-protocol.md "Erasures"): as eraseByEmail, for the leads whose
    /// email hashes (emailSha256) to `emailSha256`. Both note the hash for the next heartbeat.
    StoreResult eraseByEmailHash(const std::string& emailSha256, std::int64_t nowMs, std::vector<ErasedLead>& erased);
    /// The hashes the hub has not heard of yet: erased here (`own`), erased on its request (`done`).
    StoreResult unreportedErasures(std::vector<std::string>& own, std::vector<std::string>& done);
    /// The hub has them: `origin` "kiosk" (own) or "hub" (done).
    StoreResult markErasuresReported(const std::vector<std::string>& hashes, const char* origin);
    /// Retention: removes synced leads created before `beforeMs`; `removed` gets the count.
    StoreResult purgeSynced(std::int64_t beforeMs, long long& removed);
    /// Counts for the staff panel; `dayStartMs` is local midnight, `utcOffsetMs` the local offset.
    StoreRead<LeadStats> stats(std::int64_t dayStartMs, std::int64_t utcOffsetMs);
    /// Per question of `form` (choice, multi, yes/no): how many leads chose each option, over
    /// every lead stored (the staff panel's question figures).
    StoreRead<AnswerCounts> answerCounts(const FormDef& form);
    /// Adds anonymous counts (figures.hpp) in one transaction; the store keeper's thread calls it.
    StoreResult addFigures(const std::vector<FigureCount>& counts);
    /// The counts of `eventId` per subject (summed over hours), or per subject and hour.
    StoreRead<std::vector<FigureRow>> figures(const std::string& eventId, bool perHour = false);

    StoreRead<std::optional<Lead>> get(const std::string& id);
    StoreRead<std::vector<Lead>> all();
    StoreRead<long long> count();
    /// "ok" when PRAGMA integrity_check finds nothing.
    std::string integrityCheck();
    /// PRAGMA quick_check (a quarter of a second on 100,000 leads): ok, or the damage
    /// found (at most a few lines) in plain words with the path.
    StoreResult quickCheck();
    /// A small real write (a row in sync_status): can SQLite still store into this file?
    StoreResult probeWrite(std::int64_t nowMs);
    /// Copies the WAL into leads.db and empties it (wal_checkpoint(TRUNCATE)), so that
    /// leads.db alone holds every lead. Not ok while a reader keeps it from finishing.
    StoreResult checkpoint();
    int schemaVersion();
    const std::filesystem::path& path() const { return m_path; }
    sqlite3* handle() { return m_db; }

private:
    StoreResult fail(const std::string& what);
    void close();
    StoreResult eraseWhere(const std::function<bool(const std::string&)>& matches, const std::string& hash,
                           const char* origin, std::int64_t nowMs, std::vector<ErasedLead>& erased);

    StoreResult ready(); ///< open, and the files are still the ones opened
    template <class T> StoreRead<T> failRead(const std::string& what);

    std::filesystem::path m_path;
    sqlite3* m_db = nullptr;
    bool m_readOnly = false;
    std::optional<FormDef> m_form;
    FileGuard m_guard{m_path};
};

/// The SELECT of every lead column (no WHERE), for readers outside LeadStore (the export),
/// how many columns it has, and the Lead of one of its rows.
/// `payload` false: NULL in the payload's place (the CSV and XLSX exports make their own cells
/// and need not read a second copy of every lead).
std::string leadSelectSql(std::string_view extraColumns = {}, bool payload = true);
int leadSelectColumns();
Lead readLead(sqlite3_stmt* st);
/// The same into `l`, reusing the memory of its strings (an export reads every row into one).
void readLead(sqlite3_stmt* st, Lead& l);
/// The form definitions kept in an open database (see LeadStore::rememberForm).
StoreRead<std::vector<FormDef>> storedForms(sqlite3* db);

/// Applies the migrations up to `version` only (tests build old files with it).
StoreResult migrateTo(sqlite3* db, int version);

} // namespace kiosk::core
