package lambda

import "github.com/hako-dev/hako/internal/store"

// migrations is the schema of the service. Configurations are stored as
// the JSON of the API shapes; times are Unix milliseconds.
var migrations = []store.Migration{{
	Version: 1,
	SQL: `
CREATE TABLE lambda_functions (
	account      TEXT   NOT NULL,
	region       TEXT   NOT NULL,
	name         TEXT   NOT NULL,
	config       TEXT   NOT NULL,
	tags         TEXT   NOT NULL,
	policy       TEXT   NOT NULL,
	reserved     BIGINT,
	next_version BIGINT NOT NULL,
	invoke_cfg   TEXT   NOT NULL,
	url_cfg      TEXT   NOT NULL,
	created_at   BIGINT NOT NULL,
	PRIMARY KEY (account, region, name)
);
CREATE TABLE lambda_versions (
	account TEXT   NOT NULL,
	region  TEXT   NOT NULL,
	name    TEXT   NOT NULL,
	version BIGINT NOT NULL,
	config  TEXT   NOT NULL,
	PRIMARY KEY (account, region, name, version)
);
CREATE TABLE lambda_aliases (
	account TEXT NOT NULL,
	region  TEXT NOT NULL,
	name    TEXT NOT NULL,
	alias   TEXT NOT NULL,
	config  TEXT NOT NULL,
	PRIMARY KEY (account, region, name, alias)
);
CREATE TABLE lambda_code (
	sha  TEXT NOT NULL PRIMARY KEY,
	zip  BLOB NOT NULL,
	size BIGINT NOT NULL
);
CREATE TABLE lambda_layers (
	account TEXT   NOT NULL,
	region  TEXT   NOT NULL,
	name    TEXT   NOT NULL,
	version BIGINT NOT NULL,
	config  TEXT   NOT NULL,
	policy  TEXT   NOT NULL,
	deleted BIGINT NOT NULL,
	PRIMARY KEY (account, region, name, version)
);
CREATE TABLE lambda_async (
	id         TEXT   NOT NULL PRIMARY KEY,
	account    TEXT   NOT NULL,
	region     TEXT   NOT NULL,
	name       TEXT   NOT NULL,
	qualifier  TEXT   NOT NULL,
	payload    BLOB   NOT NULL,
	attempts   BIGINT NOT NULL,
	due_at     BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	lease_at   BIGINT NOT NULL,
	meta       TEXT   NOT NULL
);
CREATE INDEX lambda_async_due ON lambda_async (due_at);
CREATE TABLE lambda_esm (
	uuid     TEXT NOT NULL PRIMARY KEY,
	account  TEXT NOT NULL,
	region   TEXT NOT NULL,
	function TEXT NOT NULL,
	config   TEXT NOT NULL
);
`,
}, {
	Version: 2,
	SQL: `
CREATE TABLE lambda_urls (
	url_id    TEXT NOT NULL PRIMARY KEY,
	account   TEXT NOT NULL,
	region    TEXT NOT NULL,
	name      TEXT NOT NULL,
	qualifier TEXT NOT NULL
);
`,
}, {
	// Positions of stream event source mappings (DynamoDB Streams): per
	// mapping, shard and lane, the sequence number up to which every record
	// of the lane is done ("" before the first). lanes is the mapping's
	// ParallelizationFactor when the rows were written; the row written at
	// creation has lanes 0 and holds the starting position of every lane.
	// owner holds the lane until lease_at (wall-clock Unix milliseconds):
	// one poller per lane among the nodes sharing the store.
	Version: 3,
	SQL: `
CREATE TABLE lambda_esm_positions (
	uuid       TEXT   NOT NULL,
	shard      TEXT   NOT NULL,
	lane       BIGINT NOT NULL,
	lanes      BIGINT NOT NULL,
	seq        TEXT   NOT NULL,
	owner      TEXT   NOT NULL,
	lease_at   BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (uuid, shard, lane)
);
`,
}}
