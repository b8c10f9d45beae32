#include "schema.hpp"

namespace kiosk::hub {

namespace {
// {counted}: the columns of something kept once and counted each time it comes again.
const char* const kCounted =
    "  first_ms {int} NOT NULL,\n  last_ms {int} NOT NULL,\n  times {int} NOT NULL DEFAULT 1,\n";

const char* const kMigrations[] = {
    R"sql(
CREATE TABLE kiosks(
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  secret TEXT NOT NULL,
  revoked {bool} NOT NULL DEFAULT {false},
  created_ms {int} NOT NULL);
CREATE TABLE leads(
{seq}  id TEXT PRIMARY KEY,
  kiosk_id TEXT NOT NULL,
  payload {bytes} NOT NULL,
  payload_sha256 TEXT NOT NULL,
  received_ms {int} NOT NULL);
CREATE TABLE conflicts(
  id TEXT NOT NULL,
  kiosk_id TEXT NOT NULL,
  payload {bytes} NOT NULL,
  payload_sha256 TEXT NOT NULL,
{counted}  PRIMARY KEY(id, payload_sha256));
CREATE TABLE rejected(
  kiosk_id TEXT NOT NULL,
  lead_id TEXT NOT NULL,
  reason TEXT NOT NULL,
{counted}  PRIMARY KEY(kiosk_id, lead_id, reason));
CREATE TABLE webhook_ids(
  kiosk_id TEXT NOT NULL,
  msg_id TEXT NOT NULL,
  seen_s {int} NOT NULL,
  PRIMARY KEY(kiosk_id, msg_id));
CREATE INDEX webhook_ids_seen ON webhook_ids(seen_s);
)sql",
    // 2: heartbeats (POST /kiosk/v1/status).
    R"sql(
CREATE TABLE kiosk_status(
  kiosk_id TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  received_ms {int} NOT NULL,
  clock_offset_ms {int} NOT NULL);
CREATE TABLE consent_texts(
  version TEXT NOT NULL,
  language TEXT NOT NULL,
  text_sha256 TEXT NOT NULL,
  text TEXT NOT NULL,
  first_kiosk_id TEXT NOT NULL,
{counted}  PRIMARY KEY(version, language, text_sha256));
)sql",
    // 3: exhibitors' links (/x/<token>): only the token's SHA-256 is kept.
    R"sql(
CREATE TABLE exhibitor_links(
  token_hash TEXT PRIMARY KEY,
  company_id TEXT NOT NULL,
  link_no {int} NOT NULL,
  label TEXT NOT NULL,
  created_ms {int} NOT NULL,
  last_used_ms {int},
  revoked_ms {int},
  UNIQUE(company_id, link_no));
)sql",
    // 4: the organiser's logins and sessions (web/auth.*). A session is kept by its id's SHA-256 only.
    R"sql(
CREATE TABLE web_users(
  name TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  changed_ms {int} NOT NULL);
CREATE TABLE web_sessions(
  id_sha256 TEXT PRIMARY KEY,
  user_name TEXT NOT NULL,
  csrf TEXT NOT NULL,
  created_ms {int} NOT NULL,
  last_ms {int} NOT NULL);
)sql",
    // 5: double opt-in (one row per lead, claimed by one sender at a time) and erasure across
    // the fleet: a PII-free log, and per kiosk the email hashes it still has to erase.
    R"sql(
CREATE TABLE doi(
  lead_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  token_hash TEXT UNIQUE,
  attempts {int} NOT NULL DEFAULT 0,
  next_ms {int} NOT NULL,
  lease_until_ms {int} NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_ms {int} NOT NULL,
  sent_ms {int},
  answered_ms {int},
  answer_ip TEXT,
  answer_agent TEXT);
CREATE INDEX doi_due ON doi(state, next_ms);
CREATE TABLE erasure_log(
  email_sha256 TEXT NOT NULL,
  erased_ms {int} NOT NULL,
  who TEXT NOT NULL,
  leads {int} NOT NULL);
CREATE TABLE erasure_pending(
  kiosk_id TEXT NOT NULL,
  email_sha256 TEXT NOT NULL,
  queued_ms {int} NOT NULL,
  PRIMARY KEY(kiosk_id, email_sha256));
)sql",
};
static_assert(sizeof kMigrations / sizeof kMigrations[0] == kHubSchemaVersion);

void replaceAll(std::string& s, const std::string& from, const std::string& to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
}
} // namespace

std::vector<std::string> hubMigrations(const SqlDialect& d) {
    std::vector<std::string> out;
    for (const char* m : kMigrations) {
        std::string sql = m;
        replaceAll(sql, "{counted}", kCounted);
        replaceAll(sql, "{int}", d.integer);
        replaceAll(sql, "{bytes}", d.bytes);
        replaceAll(sql, "{bool}", d.boolean);
        replaceAll(sql, "{false}", d.falseValue);
        replaceAll(sql, "{seq}", d.leadSeq);
        out.push_back(std::move(sql));
    }
    return out;
}

} // namespace kiosk::hub
