// Package reqinfo carries what the edge learned about a request (account,
// region, caller, host, request id) to the services through the context.
package reqinfo

import "context"

// Info describes the caller and the request.
type Info struct {
	RequestID   string
	Account     string // 12-digit account id
	Region      string
	AccessKeyID string
	Host        string // Host header as the client sent it
	SourceIP    string // the client's IP address (S3 event notifications)
	Scheme      string // http or https
	Protocol    string // the wire protocol the request used
	Service     string
	Operation   string
	// Status, when set by the service, overrides the response's HTTP
	// status (206 for a ranged GET, 304 Not Modified, ...).
	Status int
	// Header holds extra response headers set by the service (CORS, ...).
	Header map[string]string
}

type key struct{}

// With returns ctx carrying info.
func With(ctx context.Context, info *Info) context.Context {
	return context.WithValue(ctx, key{}, info)
}

// From returns the request info, or a default for calls made outside a request.
func From(ctx context.Context) *Info {
	if i, ok := ctx.Value(key{}).(*Info); ok {
		return i
	}
	return &Info{Account: "000000000000", Region: "us-east-1", Host: "localhost:4566", Scheme: "http"}
}
