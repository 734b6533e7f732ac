package sns

import "github.com/hako-dev/hako/internal/store"

// migrations is the schema of the service. Times are Unix milliseconds.
//
//   - sns_topics: one row per topic; attrs holds the attributes a user set
//     (JSON object), tags the tags in order (JSON list), seq the last FIFO
//     sequence number handed out and deleted the SubscriptionsDeleted count.
//   - sns_subscriptions: one row per subscription; attrs holds the settable
//     attributes (JSON object); token confirms a pending subscription.
//   - sns_dedup: the FIFO deduplication window (a duplicate within it gets
//     the original message id and sequence number back).
//   - sns_mailbox: what hako "sends" to e-mail addresses and phone numbers,
//     readable at /_hako/sns/email and /_hako/sns/sms.
//   - sns_signing: the RSA key and certificate that sign messages, one per
//     database so that every node signs with the same key.
var migrations = []store.Migration{{Version: 1, SQL: `
CREATE TABLE sns_topics (
	arn        TEXT   NOT NULL PRIMARY KEY,
	account    TEXT   NOT NULL,
	region     TEXT   NOT NULL,
	fifo       BIGINT NOT NULL,
	attrs      TEXT   NOT NULL,
	tags       TEXT   NOT NULL,
	seq        BIGINT NOT NULL,
	deleted    BIGINT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX sns_topics_owner ON sns_topics (account, region, arn);

CREATE TABLE sns_subscriptions (
	arn           TEXT   NOT NULL PRIMARY KEY,
	topic_arn     TEXT   NOT NULL,
	account       TEXT   NOT NULL,
	region        TEXT   NOT NULL,
	protocol      TEXT   NOT NULL,
	endpoint      TEXT   NOT NULL,
	pending       BIGINT NOT NULL,
	authenticated BIGINT NOT NULL,
	token         TEXT   NOT NULL,
	attrs         TEXT   NOT NULL,
	created_at    BIGINT NOT NULL
);
CREATE INDEX sns_subscriptions_topic ON sns_subscriptions (topic_arn, arn);
CREATE INDEX sns_subscriptions_owner ON sns_subscriptions (account, region, arn);
CREATE INDEX sns_subscriptions_token ON sns_subscriptions (token);

CREATE TABLE sns_dedup (
	topic_arn  TEXT   NOT NULL,
	dedup_id   TEXT   NOT NULL,
	message_id TEXT   NOT NULL,
	seq        TEXT   NOT NULL,
	expires_at BIGINT NOT NULL,
	PRIMARY KEY (topic_arn, dedup_id)
);
CREATE INDEX sns_dedup_expiry ON sns_dedup (expires_at);

CREATE TABLE sns_mailbox (
	id         TEXT   NOT NULL PRIMARY KEY,
	at         BIGINT NOT NULL,
	kind       TEXT   NOT NULL,
	body       TEXT   NOT NULL
);
CREATE INDEX sns_mailbox_at ON sns_mailbox (kind, at, id);

CREATE TABLE sns_signing (
	id       TEXT NOT NULL PRIMARY KEY,
	key_pem  TEXT NOT NULL,
	cert_pem TEXT NOT NULL
);
`}}
