package sqs

import "github.com/hako-dev/hako/internal/store"

// migrations is the schema of the service. Times are Unix milliseconds.
//
// sqs_messages is keyed by (queue_id, seq). seq is allocated by seqGen: it
// grows with the send time (milliseconds since 2000 in the high bits), so
// it orders a queue's messages, doubles as the FIFO SequenceNumber, and
// lets the retention sweeper delete expired messages by key range. The
// visible index serves receives: the visible messages of a queue are the
// prefix of (queue_id, visible_at).
var migrations = []store.Migration{{Version: 1, SQL: `
CREATE TABLE sqs_queues (
	id          BIGINT NOT NULL PRIMARY KEY,
	account     TEXT   NOT NULL,
	region      TEXT   NOT NULL,
	name        TEXT   NOT NULL,
	fifo        BIGINT NOT NULL,
	attrs       TEXT   NOT NULL,
	tags        TEXT   NOT NULL,
	created_at  BIGINT NOT NULL,
	modified_at BIGINT NOT NULL,
	purged_at   BIGINT NOT NULL,
	purge_seq   BIGINT NOT NULL
);
CREATE UNIQUE INDEX sqs_queues_name ON sqs_queues (account, region, name);

CREATE TABLE sqs_deleted_queues (
	id         BIGINT NOT NULL PRIMARY KEY,
	account    TEXT   NOT NULL,
	region     TEXT   NOT NULL,
	name       TEXT   NOT NULL,
	deleted_at BIGINT NOT NULL
);
CREATE INDEX sqs_deleted_queues_name ON sqs_deleted_queues (account, region, name);

CREATE TABLE sqs_messages (
	queue_id      BIGINT NOT NULL,
	seq           BIGINT NOT NULL,
	message_id    TEXT   NOT NULL,
	body          TEXT   NOT NULL,
	attrs         BLOB,
	trace_header  TEXT,
	dlq_source    TEXT,
	group_id      TEXT,
	dedup_id      TEXT,
	sender        TEXT   NOT NULL,
	sent_at       BIGINT NOT NULL,
	visible_at    BIGINT NOT NULL,
	receive_count BIGINT NOT NULL,
	first_receive BIGINT NOT NULL,
	received_at   BIGINT NOT NULL,
	receipt       BIGINT NOT NULL,
	PRIMARY KEY (queue_id, seq)
);
CREATE INDEX sqs_messages_visible ON sqs_messages (queue_id, visible_at, seq);

CREATE TABLE sqs_dedup (
	queue_id   BIGINT NOT NULL,
	dkey       TEXT   NOT NULL,
	message_id TEXT   NOT NULL,
	seq        BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	PRIMARY KEY (queue_id, dkey)
);

CREATE TABLE sqs_receive_attempts (
	queue_id   BIGINT NOT NULL,
	attempt_id TEXT   NOT NULL,
	created_at BIGINT NOT NULL,
	receipt    BIGINT NOT NULL,
	seqs       TEXT   NOT NULL,
	PRIMARY KEY (queue_id, attempt_id)
);

CREATE TABLE sqs_move_tasks (
	task_id        TEXT   NOT NULL PRIMARY KEY,
	handle         TEXT   NOT NULL,
	account        TEXT   NOT NULL,
	region         TEXT   NOT NULL,
	source_arn     TEXT   NOT NULL,
	dest_arn       TEXT   NOT NULL,
	max_per_second BIGINT NOT NULL,
	status         TEXT   NOT NULL,
	failure        TEXT   NOT NULL,
	started_at     BIGINT NOT NULL,
	to_move        BIGINT NOT NULL,
	moved          BIGINT NOT NULL,
	bound_seq      BIGINT NOT NULL
);
CREATE INDEX sqs_move_tasks_source ON sqs_move_tasks (source_arn, started_at);
`}}
