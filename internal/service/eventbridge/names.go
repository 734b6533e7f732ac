package eventbridge

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/eventbridgeapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// Errors, in AWS's words. The codes are the model's error shapes, so the
// codec takes the status from the model.

func errValidation(msg string) error {
	return awserr.New("ValidationException", msg).WithStatus(400)
}

func errNotFound(msg string) error { return awserr.New("ResourceNotFoundException", msg) }

func errExists(msg string) error { return awserr.New("ResourceAlreadyExistsException", msg) }

func errNoBus(name string) error { return errNotFound("Event bus " + name + " does not exist.") }

func errNoRule(rule, bus string) error {
	return errNotFound("Rule " + rule + " does not exist on EventBus " + bus + ".")
}

func errPattern(reason string) error {
	return awserr.New("InvalidEventPatternException", "Event pattern is not valid. Reason: "+reason)
}

// busKey names an event bus.
type busKey struct{ account, region, name string }

func (k busKey) arn() string {
	return "arn:aws:events:" + k.region + ":" + k.account + ":event-bus/" + k.name
}

// id is the bus's cache and notification key.
func (k busKey) id() string { return k.account + "/" + k.region + "/" + k.name }

// ruleARN is arn:aws:events:REGION:ACCOUNT:rule/[BUS/]NAME: rules of the
// default bus have no bus segment.
func ruleARN(k busKey, name string) string {
	if k.name == "default" {
		return "arn:aws:events:" + k.region + ":" + k.account + ":rule/" + name
	}
	return "arn:aws:events:" + k.region + ":" + k.account + ":rule/" + k.name + "/" + name
}

func archiveARN(account, region, name string) string {
	return "arn:aws:events:" + region + ":" + account + ":archive/" + name
}

func replayARN(account, region, name string) string {
	return "arn:aws:events:" + region + ":" + account + ":replay/" + name
}

// arnParts splits arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE.
type arnParts struct{ service, region, account, resource string }

func parseARN(s string) (arnParts, bool) {
	f := strings.SplitN(s, ":", 6)
	if len(f) != 6 || f[0] != "arn" || f[1] == "" || f[2] == "" {
		return arnParts{}, false
	}
	return arnParts{service: f[2], region: f[3], account: f[4], resource: f[5]}, true
}

// busOf resolves an EventBusName parameter (a name or an event bus ARN;
// empty is "default") for the caller.
func busOf(ctx context.Context, nameOrARN *string) busKey {
	info := reqinfo.From(ctx)
	k := busKey{account: info.Account, region: info.Region, name: "default"}
	if nameOrARN == nil || *nameOrARN == "" {
		return k
	}
	v := *nameOrARN
	if a, ok := parseARN(v); ok && a.service == "events" && strings.HasPrefix(a.resource, "event-bus/") {
		return busKey{account: a.account, region: a.region, name: strings.TrimPrefix(a.resource, "event-bus/")}
	}
	k.name = v
	return k
}

// busARNKey parses an event bus ARN.
func busARNKey(arn string) (busKey, bool) {
	a, ok := parseARN(arn)
	if !ok || a.service != "events" || !strings.HasPrefix(a.resource, "event-bus/") || a.account == "" || a.region == "" {
		return busKey{}, false
	}
	return busKey{account: a.account, region: a.region, name: strings.TrimPrefix(a.resource, "event-bus/")}, true
}

// busExists reports whether the bus exists: the default bus always does.
func busExists(ctx context.Context, tx *store.Tx, k busKey) (bool, error) {
	if k.name == "default" {
		return true, nil
	}
	var n int
	err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM eb_buses WHERE account = ? AND region = ? AND name = ?", k.account, k.region, k.name).Scan(&n)
	return n > 0, err
}

// needBus fails with AWS's error when the bus does not exist.
func needBus(ctx context.Context, tx *store.Tx, k busKey) error {
	ok, err := busExists(ctx, tx, k)
	if err == nil && !ok {
		err = errNoBus(k.name)
	}
	return err
}

// ruleRow is a stored rule.
type ruleRow struct {
	bus                                                      busKey
	name, pattern, schedule, state, desc, roleARN, managedBy string
	createdAt, modifiedAt                                    int64
}

func (r *ruleRow) arn() string { return ruleARN(r.bus, r.name) }

const ruleCols = "name, pattern, schedule, state, description, role_arn, managed_by, created_at, modified_at"

func scanRule(k busKey, sc interface{ Scan(...any) error }) (*ruleRow, error) {
	r := &ruleRow{bus: k}
	err := sc.Scan(&r.name, &r.pattern, &r.schedule, &r.state, &r.desc, &r.roleARN, &r.managedBy, &r.createdAt, &r.modifiedAt)
	return r, err
}

// getRule reads a rule; nil if there is none.
func getRule(ctx context.Context, tx *store.Tx, k busKey, name string) (*ruleRow, error) {
	r, err := scanRule(k, tx.QueryRow(ctx, "SELECT "+ruleCols+" FROM eb_rules WHERE account = ? AND region = ? AND bus = ? AND name = ?",
		k.account, k.region, k.name, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return r, err
}

// needRule reads a rule of an existing bus, or fails as AWS does.
func needRule(ctx context.Context, tx *store.Tx, k busKey, name string) (*ruleRow, error) {
	if err := needBus(ctx, tx, k); err != nil {
		return nil, err
	}
	r, err := getRule(ctx, tx, k, name)
	if err == nil && r == nil {
		err = errNoRule(name, k.name)
	}
	return r, err
}

// Paging: a NextToken is the base64 of the last name returned.

func pageLimit(l *int32) int {
	if l == nil || *l <= 0 || *l > 100 {
		return 100
	}
	return int(*l)
}

func afterToken(tok *string) (string, error) {
	if tok == nil || *tok == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*tok)
	if err != nil {
		return "", errValidation("The NextToken provided is invalid.")
	}
	return string(b), nil
}

func nextToken(last string) *string {
	s := base64.RawURLEncoding.EncodeToString([]byte(last))
	return &s
}

func str(s string) *string { return &s }

// optStr is nil for the empty string (absent members stay absent).
func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func ts(ms int64) *model.Timestamp {
	if ms == 0 {
		return nil
	}
	return &model.Timestamp{Time: time.UnixMilli(ms).UTC()}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// likePrefix is a LIKE operand matching names that start with p (names
// are [/.\-_A-Za-z0-9]+, so only _ needs escaping).
func likePrefix(p string) string {
	return strings.ReplaceAll(p, "_", `\_`) + "%"
}

// Tags, shared by buses and rules and keyed by ARN.

func putTags(ctx context.Context, tx *store.Tx, arn string, tags []eventbridgeapi.Tag) error {
	for _, t := range tags {
		if _, err := tx.Exec(ctx, `INSERT INTO eb_tags (arn, tkey, tvalue) VALUES (?, ?, ?)
			ON CONFLICT (arn, tkey) DO UPDATE SET tvalue = excluded.tvalue`, arn, deref(t.Key), deref(t.Value)); err != nil {
			return err
		}
	}
	return nil
}

func dropTags(ctx context.Context, tx *store.Tx, arn string) error {
	_, err := tx.Exec(ctx, "DELETE FROM eb_tags WHERE arn = ?", arn)
	return err
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
