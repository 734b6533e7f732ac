package lambda

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// Invocations by other hako services (S3 event notifications, ...), which
// name functions by ARN.

// ErrNoSuchFunction is returned (wrapped) for an ARN that names no function
// (or no such version or alias).
var ErrNoSuchFunction = errors.New("lambda: the function does not exist")

// refOfARN parses a function ARN (maybe qualified) in the ARN's account and
// region.
func refOfARN(ctx context.Context, arn string) (context.Context, fnRef, error) {
	parts := strings.SplitN(arn, ":", 8)
	if len(parts) < 7 || parts[0] != "arn" || parts[2] != "lambda" || parts[5] != "function" {
		return ctx, fnRef{}, fmt.Errorf("%w: %s", ErrNoSuchFunction, arn)
	}
	ctx = reqinfo.With(ctx, &reqinfo.Info{Account: parts[4], Region: parts[3], RequestID: newRequestID()})
	ref, err := parseRef(ctx, arn, nil)
	if err != nil {
		return ctx, fnRef{}, fmt.Errorf("%w: %s", ErrNoSuchFunction, arn)
	}
	return ctx, ref, nil
}

// resolveARN resolves a function ARN, with ErrNoSuchFunction when it names
// nothing.
func (s *Service) resolveARN(ctx context.Context, arn string) (context.Context, fnRef, error) {
	ctx, ref, err := refOfARN(ctx, arn)
	if err != nil {
		return ctx, ref, err
	}
	if _, err := s.resolve(ctx, ref); err != nil {
		var ae *awserr.Error
		if errors.As(err, &ae) && ae.Code == "ResourceNotFoundException" {
			return ctx, ref, fmt.Errorf("%w: %s", ErrNoSuchFunction, arn)
		}
		return ctx, ref, err
	}
	return ctx, ref, nil
}

// FunctionExists reports whether arn names an existing function (version or
// alias when qualified).
func (s *Service) FunctionExists(ctx context.Context, arn string) (bool, error) {
	_, _, err := s.resolveARN(ctx, arn)
	if errors.Is(err, ErrNoSuchFunction) {
		return false, nil
	}
	return err == nil, err
}

// InvokeEvent queues an asynchronous (Event) invocation of the function arn
// with payload, as an AWS service that triggers a function does: the
// function's retry and destination settings apply. id identifies the event:
// a second call with the same id queues nothing, so a caller that delivers
// at least once invokes at most once per event.
func (s *Service) InvokeEvent(ctx context.Context, arn string, payload []byte, id string) error {
	if len(payload) > maxAsync {
		return tooLarge(maxAsync)
	}
	_, ref, err := s.resolveARN(ctx, arn)
	if err != nil {
		return err
	}
	if id == "" {
		id = newRequestID()
	}
	now := s.now().UnixMilli()
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO lambda_async (id, account, region, name, qualifier, payload, attempts, due_at, created_at, lease_at, meta)
			VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, 0, ?) ON CONFLICT (id) DO NOTHING`,
			id, ref.account, ref.region, ref.name, ref.qualifier, payload, now, now, mustJSON(asyncMeta{}))
		return err
	})
	if err == nil {
		s.async.poke()
	}
	return err
}
