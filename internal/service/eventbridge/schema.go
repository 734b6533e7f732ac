package eventbridge

import "github.com/hako-dev/hako/internal/store"

// migrations is the schema of the service. Times are Unix milliseconds.
//
// The default bus of an account and region has a row only once something
// was stored on it (a policy); it exists without one. eb_targets keeps each
// target as the JSON of its API shape. eb_schedules holds, per enabled
// scheduled rule, its next firing: the firing loop claims due rows with a
// conditional UPDATE in the transaction that enqueues the firing's
// deliveries. Archived events are keyed by archive and event id and read
// back in (archived_at, id) order by replays, which record their position.
var migrations = []store.Migration{{Version: 1, SQL: `
CREATE TABLE eb_buses (
	account     TEXT   NOT NULL,
	region      TEXT   NOT NULL,
	name        TEXT   NOT NULL,
	description TEXT   NOT NULL,
	policy      TEXT   NOT NULL,
	dlq         TEXT   NOT NULL,
	kms         TEXT   NOT NULL,
	created_at  BIGINT NOT NULL,
	modified_at BIGINT NOT NULL,
	PRIMARY KEY (account, region, name)
);

CREATE TABLE eb_rules (
	account     TEXT   NOT NULL,
	region      TEXT   NOT NULL,
	bus         TEXT   NOT NULL,
	name        TEXT   NOT NULL,
	pattern     TEXT   NOT NULL,
	schedule    TEXT   NOT NULL,
	state       TEXT   NOT NULL,
	description TEXT   NOT NULL,
	role_arn    TEXT   NOT NULL,
	managed_by  TEXT   NOT NULL,
	created_at  BIGINT NOT NULL,
	modified_at BIGINT NOT NULL,
	PRIMARY KEY (account, region, bus, name)
);

CREATE TABLE eb_targets (
	account TEXT   NOT NULL,
	region  TEXT   NOT NULL,
	bus     TEXT   NOT NULL,
	rule    TEXT   NOT NULL,
	id      TEXT   NOT NULL,
	arn     TEXT   NOT NULL,
	body    TEXT   NOT NULL,
	seq     BIGINT NOT NULL,
	PRIMARY KEY (account, region, bus, rule, id)
);
CREATE INDEX eb_targets_arn ON eb_targets (account, region, arn);

CREATE TABLE eb_tags (
	arn    TEXT NOT NULL,
	tkey   TEXT NOT NULL,
	tvalue TEXT NOT NULL,
	PRIMARY KEY (arn, tkey)
);

CREATE TABLE eb_schedules (
	rule_arn TEXT   NOT NULL PRIMARY KEY,
	account  TEXT   NOT NULL,
	region   TEXT   NOT NULL,
	bus      TEXT   NOT NULL,
	rule     TEXT   NOT NULL,
	expr     TEXT   NOT NULL,
	anchor   BIGINT NOT NULL,
	next_at  BIGINT NOT NULL
);
CREATE INDEX eb_schedules_next ON eb_schedules (next_at);

CREATE TABLE eb_archives (
	account        TEXT   NOT NULL,
	region         TEXT   NOT NULL,
	name           TEXT   NOT NULL,
	source_arn     TEXT   NOT NULL,
	pattern        TEXT   NOT NULL,
	description    TEXT   NOT NULL,
	retention_days BIGINT NOT NULL,
	state          TEXT   NOT NULL,
	created_at     BIGINT NOT NULL,
	PRIMARY KEY (account, region, name)
);

CREATE TABLE eb_archive_events (
	archive_arn TEXT   NOT NULL,
	id          TEXT   NOT NULL,
	archived_at BIGINT NOT NULL,
	size        BIGINT NOT NULL,
	body        TEXT   NOT NULL,
	PRIMARY KEY (archive_arn, id)
);
CREATE INDEX eb_archive_events_time ON eb_archive_events (archive_arn, archived_at, id);

CREATE TABLE eb_replays (
	account       TEXT   NOT NULL,
	region        TEXT   NOT NULL,
	name          TEXT   NOT NULL,
	source_arn    TEXT   NOT NULL,
	dest_arn      TEXT   NOT NULL,
	filter_arns   TEXT   NOT NULL,
	description   TEXT   NOT NULL,
	event_start   BIGINT NOT NULL,
	event_end     BIGINT NOT NULL,
	state         TEXT   NOT NULL,
	reason        TEXT   NOT NULL,
	started_at    BIGINT NOT NULL,
	ended_at      BIGINT NOT NULL,
	last_replayed BIGINT NOT NULL,
	cursor_at     BIGINT NOT NULL,
	cursor_id     TEXT   NOT NULL,
	PRIMARY KEY (account, region, name)
);
`}}
