package sns

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"sync"

	"github.com/hako-dev/hako/internal/model/snsapi"
	"github.com/hako-dev/hako/internal/pattern"
	"github.com/hako-dev/hako/internal/store"
)

// topic is a topic row.
type topic struct {
	arn, account, region string
	fifo                 bool
	attrs                map[string]string // set by users (DisplayName, Policy, ...)
	tags                 []snsapi.Tag
	deleted              int64 // SubscriptionsDeleted
}

func (t *topic) name() string {
	a, _ := parseARN(t.arn)
	return a.resource
}

// subscription is a subscription row.
type subscription struct {
	arn, topicARN, account, region string
	protocol, endpoint             string
	pending, authenticated         bool
	token                          string
	attrs                          map[string]string // the settable attributes
	filter                         *pattern.Pattern  // compiled FilterPolicy; nil: none
}

func (s *subscription) raw() bool { return s.attrs["RawMessageDelivery"] == "true" }

// topicState is what a publish needs of a topic: the topic and its
// subscriptions with their filter policies compiled.
type topicState struct {
	topic *topic
	subs  []*subscription
}

// cache keeps topic states between publishes. Every change to a topic or
// its subscriptions notifies notifyChannel with the topic's ARN (through
// the store, so other nodes hear it too) and the entry is dropped; a
// loader that raced with a change does not store what it read (gen).
type cache struct {
	mu     sync.Mutex
	gen    uint64
	topics map[string]*topicState
}

const notifyChannel = "hako_sns"

func (c *cache) get(arn string) (*topicState, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.topics[arn], c.gen
}

func (c *cache) put(arn string, ts *topicState, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		if len(c.topics) > 10000 {
			clear(c.topics)
		}
		c.topics[arn] = ts
	}
}

// invalidate drops the state of a topic; "" drops everything.
func (c *cache) invalidate(arn string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if arn == "" {
		clear(c.topics)
		return
	}
	delete(c.topics, arn)
}

// changed announces in tx that the topic's state changes.
func changed(tx *store.Tx, topicARN string) {
	tx.Notify(notifyChannel, topicARN)
}

// state returns the topic's state, from the cache or the store; nil when
// the topic does not exist.
func (s *Service) state(ctx context.Context, arn string) (*topicState, error) {
	ts, gen := s.cache.get(arn)
	if ts != nil {
		return ts, nil
	}
	err := s.st.View(ctx, func(tx *store.Tx) error {
		t, err := loadTopic(ctx, tx, arn)
		if err != nil || t == nil {
			return err
		}
		subs, err := loadSubscriptions(ctx, tx, "topic_arn = ?", arn)
		if err != nil {
			return err
		}
		ts = &topicState{topic: t, subs: subs}
		return nil
	})
	if err != nil || ts == nil {
		return nil, err
	}
	s.cache.put(arn, ts, gen)
	return ts, nil
}

func loadTopic(ctx context.Context, tx *store.Tx, arn string) (*topic, error) {
	t := &topic{arn: arn}
	var fifo int64
	var attrs, tags string
	err := tx.QueryRow(ctx, "SELECT account, region, fifo, attrs, tags, deleted FROM sns_topics WHERE arn = ?", arn).
		Scan(&t.account, &t.region, &fifo, &attrs, &tags, &t.deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	t.fifo = fifo == 1
	if err := json.Unmarshal([]byte(attrs), &t.attrs); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(tags), &t.tags); err != nil {
		return nil, err
	}
	if t.attrs == nil {
		t.attrs = map[string]string{}
	}
	return t, nil
}

const subColumns = "arn, topic_arn, account, region, protocol, endpoint, pending, authenticated, token, attrs"

// loadSubscriptions reads the subscriptions matching where (ordered by ARN).
func loadSubscriptions(ctx context.Context, tx *store.Tx, where string, args ...any) ([]*subscription, error) {
	return querySubscriptions(ctx, tx, "WHERE "+where+" ORDER BY arn", args...)
}

// querySubscriptions reads subscriptions; tail follows FROM sns_subscriptions.
func querySubscriptions(ctx context.Context, tx *store.Tx, tail string, args ...any) ([]*subscription, error) {
	rows, err := tx.Query(ctx, "SELECT "+subColumns+" FROM sns_subscriptions "+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var subs []*subscription
	for rows.Next() {
		sub, err := scanSubscription(rows)
		if err != nil {
			return nil, err
		}
		subs = append(subs, sub)
	}
	return subs, rows.Err()
}

type scanner interface{ Scan(...any) error }

func scanSubscription(r scanner) (*subscription, error) {
	sub := &subscription{}
	var pending, auth int64
	var attrs string
	if err := r.Scan(&sub.arn, &sub.topicARN, &sub.account, &sub.region, &sub.protocol, &sub.endpoint, &pending, &auth, &sub.token, &attrs); err != nil {
		return nil, err
	}
	sub.pending, sub.authenticated = pending == 1, auth == 1
	if err := json.Unmarshal([]byte(attrs), &sub.attrs); err != nil {
		return nil, err
	}
	if sub.attrs == nil {
		sub.attrs = map[string]string{}
	}
	if fp := sub.attrs["FilterPolicy"]; fp != "" {
		// Stored policies compiled when they were set; one that no longer
		// compiles (an engine change) leaves filter nil: matches nothing.
		sub.filter, _ = pattern.CompileFilterPolicy([]byte(fp), pattern.Scope(sub.attrs["FilterPolicyScope"]))
	}
	return sub, nil
}

func loadSubscription(ctx context.Context, tx *store.Tx, arn string) (*subscription, error) {
	sub, err := scanSubscription(tx.QueryRow(ctx, "SELECT "+subColumns+" FROM sns_subscriptions WHERE arn = ?", arn))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return sub, err
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
