package dynamodb

import "github.com/hako-dev/hako/internal/store"

// migrations is the schema of the service. Times are Unix milliseconds.
//
// ddb_tables holds each table's definition as JSON (tableMeta) and the
// counter its stream records take their sequence numbers from.
//
// ddb_items is keyed by (table_id, h, pk, sk): h is a 32-bit hash of the
// partition key's bytes, so a scan walks items in hash order as DynamoDB
// does and a parallel scan's segment is a range of h; pk and sk are the
// key values in attr.KeyBytes form (sk is empty for tables without a sort
// key), so byte order is DynamoDB's key order. item is the whole item as
// DynamoDB JSON; expires is its time-to-live attribute in Unix seconds
// when the table has TTL enabled and the attribute is a number.
//
// ddb_index_items holds the entries of secondary indexes: the index key
// (ipk, isk) in front, the table key after it (index keys need not be
// unique), and the projected item.
//
// ddb_stream_records holds the change records of tables with a stream,
// numbered by the table's stream counter in commit order.
//
// ddb_tx_tokens remembers TransactWriteItems client request tokens for
// the 10 minutes AWS keeps them.
//
// ddb_tables.gen (version 3) counts the changes of a table's definition;
// writes compare it with the definition they hold (tablegen.go).
//
// ddb_collections (version 2) holds the size of each item collection of a
// table with local secondary indexes: the bytes of its items and of their
// LSI entries, kept in step by every write (collection.go). A collection
// without a row is counted from its items at its first write.
//
// ddb_deleted_tables (version 4) keeps, for 24 hours, the definition of a
// deleted table that had a stream (meta: tableMeta with every stream
// disabled, the last one ending at stream_seq, the table's final counter),
// so its streams stay readable as on AWS; id is the deleted table's id,
// which its records in ddb_stream_records still carry. The stream trimmer
// purges the rows (streams.go).
var migrations = []store.Migration{{Version: 1, SQL: `
CREATE TABLE ddb_tables (
	id          BIGINT NOT NULL PRIMARY KEY,
	account     TEXT   NOT NULL,
	region      TEXT   NOT NULL,
	name        TEXT   NOT NULL,
	meta        TEXT   NOT NULL,
	stream_seq  BIGINT NOT NULL,
	created_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX ddb_tables_name ON ddb_tables (account, region, name);

CREATE TABLE ddb_items (
	table_id BIGINT NOT NULL,
	h        BIGINT NOT NULL,
	pk       BLOB   NOT NULL,
	sk       BLOB   NOT NULL,
	item     BLOB   NOT NULL,
	size     BIGINT NOT NULL,
	expires  BIGINT,
	PRIMARY KEY (table_id, h, pk, sk)
);
CREATE INDEX ddb_items_expires ON ddb_items (table_id, expires);

CREATE TABLE ddb_index_items (
	table_id BIGINT NOT NULL,
	idx      TEXT   NOT NULL,
	h        BIGINT NOT NULL,
	ipk      BLOB   NOT NULL,
	isk      BLOB   NOT NULL,
	pk       BLOB   NOT NULL,
	sk       BLOB   NOT NULL,
	item     BLOB   NOT NULL,
	size     BIGINT NOT NULL,
	PRIMARY KEY (table_id, idx, h, ipk, isk, pk, sk)
);

CREATE TABLE ddb_stream_records (
	table_id   BIGINT NOT NULL,
	label      TEXT   NOT NULL,
	seq        BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	record     BLOB   NOT NULL,
	PRIMARY KEY (table_id, seq)
);
CREATE INDEX ddb_stream_records_created ON ddb_stream_records (created_at);

CREATE TABLE ddb_tx_tokens (
	account    TEXT   NOT NULL,
	region     TEXT   NOT NULL,
	token      TEXT   NOT NULL,
	digest     TEXT   NOT NULL,
	result     TEXT   NOT NULL,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (account, region, token)
);
`}, {Version: 2, SQL: `
CREATE TABLE ddb_collections (
	table_id BIGINT NOT NULL,
	h        BIGINT NOT NULL,
	pk       BLOB   NOT NULL,
	size     BIGINT NOT NULL,
	PRIMARY KEY (table_id, h, pk)
);
`}, {Version: 3, SQL: `
ALTER TABLE ddb_tables ADD COLUMN gen BIGINT NOT NULL DEFAULT 0;
`}, {Version: 4, SQL: `
CREATE TABLE ddb_deleted_tables (
	id          BIGINT NOT NULL PRIMARY KEY,
	account     TEXT   NOT NULL,
	region      TEXT   NOT NULL,
	name        TEXT   NOT NULL,
	meta        TEXT   NOT NULL,
	stream_seq  BIGINT NOT NULL,
	deleted_at  BIGINT NOT NULL
);
CREATE INDEX ddb_deleted_tables_name ON ddb_deleted_tables (account, region, name);
CREATE INDEX ddb_deleted_tables_deleted ON ddb_deleted_tables (deleted_at);
`}}
