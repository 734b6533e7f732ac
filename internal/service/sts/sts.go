// Package sts implements the parts of AWS STS that tools call before
// anything else: GetCallerIdentity, GetSessionToken, AssumeRole and
// GetAccessKeyInfo. The other operations answer with an explicit
// not-supported error.
package sts

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strings"
	"time"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/config"
	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/stsapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
)

// Service is the STS implementation.
type Service struct {
	clock  clock.Clock
	logger *slog.Logger
}

var _ stsapi.API = (*Service)(nil)

// New returns the STS service.
func New(c clock.Clock, logger *slog.Logger) *Service { return &Service{clock: c, logger: logger} }

// Health reports the service state.
func (s *Service) Health() string { return "running" }

// ValidationError maps model violations to STS's ValidationError.
func (s *Service) ValidationError(op string, vs []model.Violation) error {
	return ValidationError(vs)
}

// ValidationError formats violations the way AWS's coral services do:
// "1 validation error detected: Value null at 'roleArn' failed to satisfy
// constraint: Member must not be null".
func ValidationError(vs []model.Violation) error {
	return awserr.New("ValidationError", model.ValidationMessage(vs)).WithStatus(400)
}

func ptr[T any](v T) *T { return &v }

// GetCallerIdentity returns the account of the signing key.
func (s *Service) GetCallerIdentity(ctx context.Context, in *stsapi.GetCallerIdentityRequest) (*stsapi.GetCallerIdentityResponse, error) {
	ri := reqinfo.From(ctx)
	if strings.HasPrefix(ri.AccessKeyID, "ASIA") {
		return &stsapi.GetCallerIdentityResponse{
			Account: ptr(ri.Account),
			Arn:     ptr("arn:aws:sts::" + ri.Account + ":assumed-role/hako/session"),
			UserId:  ptr("AROA" + strings.Repeat("0", 17) + ":session"),
		}, nil
	}
	return &stsapi.GetCallerIdentityResponse{
		Account: ptr(ri.Account),
		Arn:     ptr("arn:aws:iam::" + ri.Account + ":root"),
		UserId:  ptr(ri.Account),
	}, nil
}

func (s *Service) credentials(d time.Duration) *stsapi.Credentials {
	return &stsapi.Credentials{
		AccessKeyId:     ptr("ASIA" + randomID(16)),
		SecretAccessKey: ptr(randomID(40)),
		SessionToken:    ptr(randomID(64)),
		Expiration:      &model.Timestamp{Time: s.clock.Now().Add(d).UTC().Truncate(time.Second)},
	}
}

func randomID(n int) string {
	b := make([]byte, (n+1)/2)
	rand.Read(b)
	return strings.ToUpper(hex.EncodeToString(b))[:n]
}

func duration(sec *int32, def int32) time.Duration {
	if sec == nil {
		return time.Duration(def) * time.Second
	}
	return time.Duration(*sec) * time.Second
}

// GetSessionToken returns temporary credentials.
func (s *Service) GetSessionToken(ctx context.Context, in *stsapi.GetSessionTokenRequest) (*stsapi.GetSessionTokenResponse, error) {
	return &stsapi.GetSessionTokenResponse{Credentials: s.credentials(duration(in.DurationSeconds, 43200))}, nil
}

// AssumeRole returns temporary credentials for the role.
func (s *Service) AssumeRole(ctx context.Context, in *stsapi.AssumeRoleRequest) (*stsapi.AssumeRoleResponse, error) {
	role := *in.RoleArn
	name := role[strings.LastIndexByte(role, '/')+1:]
	account := reqinfo.From(ctx).Account
	if p := strings.Split(role, ":"); len(p) >= 6 && config.IsAccountID(p[4]) {
		account = p[4]
	}
	id := "AROA" + randomID(17)
	return &stsapi.AssumeRoleResponse{
		Credentials: s.credentials(duration(in.DurationSeconds, 3600)),
		AssumedRoleUser: &stsapi.AssumedRoleUser{
			Arn:           ptr("arn:aws:sts::" + account + ":assumed-role/" + name + "/" + *in.RoleSessionName),
			AssumedRoleId: ptr(id + ":" + *in.RoleSessionName),
		},
		PackedPolicySize: ptr(int32(0)),
	}, nil
}

// GetAccessKeyInfo returns the account that owns a key.
func (s *Service) GetAccessKeyInfo(ctx context.Context, in *stsapi.GetAccessKeyInfoRequest) (*stsapi.GetAccessKeyInfoResponse, error) {
	return &stsapi.GetAccessKeyInfoResponse{Account: ptr(reqinfo.From(ctx).Account)}, nil
}

func unsupported(op string) error {
	return awserr.Newf("InvalidAction", "The action %s is not supported by hako yet.", op).WithStatus(400)
}

// AssumeRoleWithSAML is not supported.
func (s *Service) AssumeRoleWithSAML(ctx context.Context, in *stsapi.AssumeRoleWithSAMLRequest) (*stsapi.AssumeRoleWithSAMLResponse, error) {
	return nil, unsupported("AssumeRoleWithSAML")
}

// AssumeRoleWithWebIdentity is not supported.
func (s *Service) AssumeRoleWithWebIdentity(ctx context.Context, in *stsapi.AssumeRoleWithWebIdentityRequest) (*stsapi.AssumeRoleWithWebIdentityResponse, error) {
	return nil, unsupported("AssumeRoleWithWebIdentity")
}

// AssumeRoot is not supported.
func (s *Service) AssumeRoot(ctx context.Context, in *stsapi.AssumeRootRequest) (*stsapi.AssumeRootResponse, error) {
	return nil, unsupported("AssumeRoot")
}

// DecodeAuthorizationMessage is not supported.
func (s *Service) DecodeAuthorizationMessage(ctx context.Context, in *stsapi.DecodeAuthorizationMessageRequest) (*stsapi.DecodeAuthorizationMessageResponse, error) {
	return nil, unsupported("DecodeAuthorizationMessage")
}

// GetFederationToken is not supported.
func (s *Service) GetFederationToken(ctx context.Context, in *stsapi.GetFederationTokenRequest) (*stsapi.GetFederationTokenResponse, error) {
	return nil, unsupported("GetFederationToken")
}
