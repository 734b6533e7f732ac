package logs

import "github.com/hako-dev/hako/internal/store"

// migrations is the schema of the service. Times are Unix milliseconds.
//
// Groups and streams have random ids, never reused, so the events of a
// deleted (or deleted and re-created) stream are invisible at once: readers
// reach events only through a live stream row. logs_deleted lists the
// groups and streams whose events the sweeper still has to delete.
//
// logs_streams.next_seq numbers the events of a stream; PutLogEvents
// reserves its numbers with one UPDATE ... RETURNING on the stream row,
// which also maintains the stream's statistics. Events are keyed by
// (stream_id, ts, seq), the order GetLogEvents reads; the group index
// (group_id, ts, stream_id, seq) is the order FilterLogEvents reads and
// the range the retention sweeper deletes. Messages are BLOBs because
// PostgreSQL TEXT cannot hold NUL characters.
var migrations = []store.Migration{{Version: 1, SQL: `
CREATE TABLE logs_groups (
	id         BIGINT NOT NULL PRIMARY KEY,
	account    TEXT   NOT NULL,
	region     TEXT   NOT NULL,
	name       TEXT   NOT NULL,
	created_at BIGINT NOT NULL,
	retention  BIGINT NOT NULL,
	class      TEXT   NOT NULL,
	kms_key    TEXT   NOT NULL,
	tags       TEXT   NOT NULL
);
CREATE UNIQUE INDEX logs_groups_name ON logs_groups (account, region, name);

CREATE TABLE logs_streams (
	id             BIGINT NOT NULL PRIMARY KEY,
	group_id       BIGINT NOT NULL,
	name           TEXT   NOT NULL,
	created_at     BIGINT NOT NULL,
	first_event    BIGINT,
	last_event     BIGINT,
	last_ingestion BIGINT,
	next_seq       BIGINT NOT NULL,
	stored_bytes   BIGINT NOT NULL
);
CREATE UNIQUE INDEX logs_streams_name ON logs_streams (group_id, name);

CREATE TABLE logs_events (
	stream_id BIGINT NOT NULL,
	ts        BIGINT NOT NULL,
	seq       BIGINT NOT NULL,
	group_id  BIGINT NOT NULL,
	ingested  BIGINT NOT NULL,
	message   BLOB   NOT NULL,
	PRIMARY KEY (stream_id, ts, seq)
);
CREATE INDEX logs_events_group ON logs_events (group_id, ts, stream_id, seq);

CREATE TABLE logs_deleted (
	kind       TEXT   NOT NULL,
	id         BIGINT NOT NULL,
	deleted_at BIGINT NOT NULL,
	PRIMARY KEY (kind, id)
);
`}}
