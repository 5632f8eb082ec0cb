// The database schema as an ordered list of migrations. A migration is never edited once released:
// a change is a new entry with the next version. database.ts applies each pending one in its own
// transaction and, in that same transaction, records it in schema_migrations and mirrors the version
// into the header (PRAGMA user_version), so the header alone can refuse a newer database without
// SQLite opening it (see inspect.ts). Every later migration must keep that convention.

/** "AIMW" in ASCII. Lets `file`, sqlite3 and this code tell our databases from anyone else's. */
export const APPLICATION_ID = 0x41494d57;

/** The newest schema this build reads and writes. */
export const SCHEMA_VERSION = 2;

export interface Migration {
  version: number;
  sql: string;
}

// Conventions for every table:
// - STRICT, so a float in an INTEGER column or a string in a REAL column fails the write instead of
//   being stored as whatever SQLite's type affinity makes of it.
// - Booleans are INTEGER 0/1 with a CHECK; enum-like text (status, mode, trigger) has no CHECK,
//   because SQLite cannot alter a CHECK without rebuilding the table and those lists may grow.
// - Every child table names its session with ON DELETE CASCADE and has an index led by session_id,
//   so deleting a session does not scan the big tables.
// - `return` and `trigger` are SQL keywords; they are always written quoted.
// - SQLite keeps whole-number REALs as integers on disk, so a REAL column returns -0 as 0. Blobs
//   (obs, frame, axes, buttons) keep every bit.
const v1 = `
CREATE TABLE schema_migrations (
  version    INTEGER PRIMARY KEY,
  applied_at TEXT NOT NULL
) STRICT;

-- AUTOINCREMENT so a deleted session's id is never handed out again: ids appear in exported files.
CREATE TABLE sessions (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at   TEXT NOT NULL,
  ended_at     TEXT,
  status       TEXT NOT NULL,
  env          TEXT NOT NULL,
  method       TEXT NOT NULL,
  preset       TEXT NOT NULL,
  seed         INTEGER NOT NULL,
  operator     TEXT NOT NULL,
  backend      TEXT NOT NULL,
  app_version  TEXT NOT NULL,
  host         TEXT NOT NULL,
  pid          INTEGER NOT NULL,
  config_json  TEXT NOT NULL,
  steps        INTEGER NOT NULL DEFAULT 0,
  episodes     INTEGER NOT NULL DEFAULT 0,
  expert_steps INTEGER NOT NULL DEFAULT 0,
  takeovers    INTEGER NOT NULL DEFAULT 0,
  success_rate REAL,
  message      TEXT
) STRICT;

CREATE TABLE episodes (
  session_id       INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  episode          INTEGER NOT NULL,
  seed             INTEGER NOT NULL,
  start_step       INTEGER NOT NULL,
  steps            INTEGER NOT NULL,
  success          INTEGER NOT NULL CHECK (success IN (0, 1)),
  "return"         REAL NOT NULL,
  cost             REAL NOT NULL,
  route_completion REAL NOT NULL,
  takeovers        INTEGER NOT NULL,
  crash            INTEGER NOT NULL CHECK (crash IN (0, 1)),
  out_of_road      INTEGER NOT NULL CHECK (out_of_road IN (0, 1)),
  PRIMARY KEY (session_id, episode)
) STRICT;

CREATE TABLE scenes (
  session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  episode    INTEGER NOT NULL,
  seed       INTEGER NOT NULL,
  scene_json TEXT NOT NULL,
  PRIMARY KEY (session_id, episode)
) STRICT;

-- One row per decision. Not WITHOUT ROWID although the key is (session_id, step): a row carries a
-- ~1 KB observation and the encoded frame, and SQLite advises WITHOUT ROWID only for rows under
-- about 1/20 of a page. The primary-key index still serves review range scans by step.
-- Actions have at most two components (steer, throttle); a one-component action leaves *_1 NULL,
-- and human_* are NULL when nobody was asked.
CREATE TABLE steps (
  session_id     INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  step           INTEGER NOT NULL,
  episode        INTEGER NOT NULL,
  episode_step   INTEGER NOT NULL,
  wall_ms        REAL NOT NULL,
  mode           TEXT NOT NULL,
  q              REAL,
  threshold      REAL,
  novice_0       REAL,
  novice_1       REAL,
  applied_0      REAL,
  applied_1      REAL,
  human_0        REAL,
  human_1        REAL,
  reward         REAL NOT NULL,
  cost           REAL NOT NULL,
  done           INTEGER NOT NULL CHECK (done IN (0, 1)),
  help_requested INTEGER NOT NULL CHECK (help_requested IN (0, 1)),
  ego_x          REAL NOT NULL,
  ego_y          REAL NOT NULL,
  ego_heading    REAL NOT NULL,
  ego_speed      REAL NOT NULL,
  obs            BLOB NOT NULL, -- float32 little-endian
  frame          BLOB NOT NULL, -- float64 little-endian, the contract/frame.ts layout
  PRIMARY KEY (session_id, step)
) STRICT;

CREATE TABLE takeovers (
  id                   INTEGER PRIMARY KEY,
  session_id           INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  episode              INTEGER NOT NULL,
  start_step           INTEGER NOT NULL,
  end_step             INTEGER NOT NULL,
  "trigger"            TEXT NOT NULL,
  handback             TEXT NOT NULL,
  request_step         INTEGER,
  reaction_ms          REAL,
  q_at_request         REAL,
  threshold_at_request REAL,
  region               TEXT NOT NULL
) STRICT;
CREATE INDEX takeovers_by_session ON takeovers (session_id, start_step);

-- Raw device samples at the device's rate; t is the sampler's clock, not unique across devices.
CREATE TABLE input_samples (
  id         INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  t          REAL NOT NULL,
  device     TEXT NOT NULL,
  axes       BLOB NOT NULL, -- float64 little-endian
  buttons    BLOB NOT NULL, -- float64 little-endian
  steer      REAL NOT NULL,
  throttle   REAL NOT NULL,
  brake      REAL NOT NULL
) STRICT;
CREATE INDEX input_samples_by_session ON input_samples (session_id, t);

-- Checkpoints: kind says which network ('actor', 'proxy-q'), format how data is packed ('tfjs').
CREATE TABLE models (
  id           INTEGER PRIMARY KEY,
  session_id   INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  step         INTEGER NOT NULL,
  expert_steps INTEGER NOT NULL,
  kind         TEXT NOT NULL,
  format       TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  data         BLOB NOT NULL,
  metrics_json TEXT
) STRICT;
CREATE INDEX models_by_session ON models (session_id, kind, id);

CREATE TABLE evaluations (
  id               INTEGER PRIMARY KEY,
  session_id       INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  step             INTEGER NOT NULL,
  expert_steps     INTEGER NOT NULL,
  episodes         INTEGER NOT NULL,
  success_rate     REAL NOT NULL,
  mean_return      REAL NOT NULL,
  route_completion REAL NOT NULL,
  crash_rate       REAL NOT NULL,
  out_of_road_rate REAL NOT NULL,
  mean_cost        REAL NOT NULL,
  created_at       TEXT NOT NULL
) STRICT;
CREATE INDEX evaluations_by_session ON evaluations (session_id, step);
`;

// v2 (teleoperation, issue 7): calibrations per device and operator; the profile a raw sample was
// mapped with; how long a takeover lasted in wall-clock time (reaction_ms was already there).
const v2 = `
CREATE TABLE calibrations (
  device_key  TEXT NOT NULL,
  operator    TEXT NOT NULL,
  record_json TEXT NOT NULL,
  saved_at    TEXT NOT NULL,
  PRIMARY KEY (device_key, operator)
) STRICT;

ALTER TABLE input_samples ADD COLUMN profile TEXT NOT NULL DEFAULT '';
ALTER TABLE takeovers ADD COLUMN duration_ms REAL;
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, sql: v1 },
  { version: 2, sql: v2 },
];
