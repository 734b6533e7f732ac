package server

import (
	"io"
	"net/http"

	"github.com/hako-dev/hako/internal/config"
	"github.com/hako-dev/hako/internal/protocol/awschunked"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/sigv4"
)

// streamBody returns the body a streaming operation reads: the request
// body, or its decoding when the client sent it aws-chunked. Chunk and
// trailer signatures are checked when header signatures are (strict
// auth, known key); the service must not commit what it read before EOF.
func (s *Server) streamBody(r *http.Request) (io.ReadCloser, *awserr.Error) {
	opts, ok, err := awschunked.OptionsFromHeader(r.Header)
	if !ok {
		return r.Body, nil
	}
	if err != nil {
		return nil, chunkedError(err)
	}
	if s.cfg.Auth == config.AuthStrict {
		if sig, _ := sigv4.Parse(r); sig != nil && !sig.Presigned {
			if key, known := s.keys[sig.AccessKeyID]; known {
				v, err := awschunked.NewVerifier(sig, key.Secret)
				if err != nil {
					return nil, awserr.New("IncompleteSignature", err.Error()).WithStatus(http.StatusBadRequest)
				}
				opts.Verifier = v
			}
		}
	}
	return awschunked.NewReader(r.Body, opts), nil
}

func chunkedError(err error) *awserr.Error {
	if ce, ok := err.(*awschunked.Error); ok {
		e := awserr.New(ce.Code, ce.Message).WithStatus(ce.Status)
		if len(ce.Fields) > 0 {
			e.Fields = map[string]any{}
			for _, f := range ce.Fields {
				e.Fields[f.Name] = f.Value
			}
		}
		return e
	}
	return awserr.New("InvalidRequest", err.Error()).WithStatus(http.StatusBadRequest)
}
