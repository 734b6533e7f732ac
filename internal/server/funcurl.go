package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/proxyevent"
	"github.com/hako-dev/hako/internal/runtime"
	"github.com/hako-dev/hako/internal/service/lambda"
)

// functionURLID returns the URL id of a request for a Lambda function URL:
// Host ID.lambda-url.REGION.anything, or the path /_hako/lambda-url/ID/...
// for clients that cannot set the Host. path is what the function sees.
func functionURLID(r *http.Request) (id, path string, ok bool) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if i := strings.Index(host, ".lambda-url."); i > 0 {
		return host[:i], r.URL.EscapedPath(), true
	}
	if rest, found := strings.CutPrefix(r.URL.EscapedPath(), "/_hako/lambda-url/"); found {
		id, p, _ := strings.Cut(rest, "/")
		return id, "/" + p, id != ""
	}
	return "", "", false
}

func writeURLError(w http.ResponseWriter, reqID string, status int, msg string) {
	b, _ := json.Marshal(map[string]string{"Message": msg})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-amzn-RequestId", reqID)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// serveFunctionURL invokes the function behind a function URL with the
// payload format 2.0 event and maps its result to the response.
func (s *Server) serveFunctionURL(w http.ResponseWriter, r *http.Request, id, path string) {
	reqID := uuid.NewString()
	ctx := r.Context()
	t, err := s.lambda.LookupURL(ctx, id)
	if err != nil {
		writeURLError(w, reqID, http.StatusForbidden, "Forbidden")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 6*1024*1024))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeURLError(w, reqID, http.StatusRequestEntityTooLarge, "Request must be smaller than 6291456 bytes for the InvokeFunction operation")
		}
		return
	}
	if corsPreflight(w, r, t) {
		return
	}
	var authorizer any
	if t.AuthType == "AWS_IAM" {
		info := s.newInfo(r, reqID, "lambda-url")
		if r.Header.Get("Authorization") == "" && r.URL.Query().Get("X-Amz-Signature") == "" {
			writeURLError(w, reqID, http.StatusForbidden, "Forbidden")
			return
		}
		if e := s.authenticate(r, body, info); e != nil {
			writeURLError(w, reqID, http.StatusForbidden, "Forbidden")
			return
		}
		authorizer = map[string]any{"iam": map[string]any{
			"accessKey": info.AccessKeyID, "accountId": info.Account, "callerId": info.AccessKeyID,
			"cognitoIdentity": nil, "principalOrgId": nil,
			"userArn": "arn:aws:iam::" + info.Account + ":user/hako", "userId": info.AccessKeyID,
		}}
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	ev := proxyevent.BuildV2(r, body, proxyevent.Context{
		AccountID: t.Account, APIID: id, DomainName: host, DomainPrefix: id, RequestID: reqID,
		RouteKey: "$default", Stage: "$default", RawPath: path, Time: s.clock.Now(), Authorizer: authorizer,
	})
	payload, _ := json.Marshal(ev)
	fn := t.Function
	if t.Qualifier != "" {
		fn += ":" + t.Qualifier
	}
	res, _, err := s.lambda.InvokeDirect(context.WithoutCancel(ctx), t.Account, t.Region, fn, payload)
	var ae *awserr.Error
	switch {
	case errors.As(err, &ae) && ae.Code == "TooManyRequestsException":
		writeURLError(w, reqID, http.StatusTooManyRequests, "Rate Exceeded.")
		return
	case err != nil:
		s.logger.Warn("function URL invocation failed", "url", id, "err", err)
		writeURLError(w, reqID, http.StatusBadGateway, "Internal Server Error")
		return
	}
	writeFunctionResult(w, r, reqID, t, res)
}

func writeFunctionResult(w http.ResponseWriter, r *http.Request, reqID string, t *lambda.URLTarget, res *runtime.Result) {
	if res.ErrorType != "" {
		writeURLError(w, reqID, http.StatusBadGateway, "Internal Server Error")
		return
	}
	out := proxyevent.ParseV2(res.Payload)
	if out.Invalid {
		writeURLError(w, reqID, http.StatusBadGateway, "Internal Server Error")
		return
	}
	h := w.Header()
	for k, vs := range out.Header {
		h[k] = vs
	}
	addCORS(h, r, t)
	h.Set("x-amzn-RequestId", reqID)
	h.Set("Content-Length", strconv.Itoa(len(out.Body)))
	w.WriteHeader(out.Status)
	w.Write(out.Body)
}

func originAllowed(t *lambda.URLTarget, origin string) bool {
	if t.Cors == nil || origin == "" {
		return false
	}
	return slices.Contains(t.Cors.AllowOrigins, "*") || slices.Contains(t.Cors.AllowOrigins, origin)
}

// corsPreflight answers an OPTIONS preflight when the URL has CORS settings.
func corsPreflight(w http.ResponseWriter, r *http.Request, t *lambda.URLTarget) bool {
	if r.Method != http.MethodOptions || t.Cors == nil || r.Header.Get("Access-Control-Request-Method") == "" {
		return false
	}
	h := w.Header()
	origin := r.Header.Get("Origin")
	if originAllowed(t, origin) {
		h.Set("Access-Control-Allow-Origin", allowOriginValue(t, origin))
		if len(t.Cors.AllowMethods) > 0 {
			h.Set("Access-Control-Allow-Methods", strings.Join(t.Cors.AllowMethods, ","))
		}
		if len(t.Cors.AllowHeaders) > 0 {
			h.Set("Access-Control-Allow-Headers", strings.Join(t.Cors.AllowHeaders, ","))
		}
		if t.Cors.MaxAge != nil {
			h.Set("Access-Control-Max-Age", strconv.Itoa(int(*t.Cors.MaxAge)))
		}
		if t.Cors.AllowCredentials != nil && *t.Cors.AllowCredentials {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
	}
	w.WriteHeader(http.StatusOK)
	return true
}

func allowOriginValue(t *lambda.URLTarget, origin string) string {
	if slices.Contains(t.Cors.AllowOrigins, "*") && (t.Cors.AllowCredentials == nil || !*t.Cors.AllowCredentials) {
		return "*"
	}
	return origin
}

// addCORS adds the CORS response headers to an actual (non-preflight) response.
func addCORS(h http.Header, r *http.Request, t *lambda.URLTarget) {
	origin := r.Header.Get("Origin")
	if !originAllowed(t, origin) {
		return
	}
	h.Set("Access-Control-Allow-Origin", allowOriginValue(t, origin))
	if len(t.Cors.ExposeHeaders) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(t.Cors.ExposeHeaders, ","))
	}
	if t.Cors.AllowCredentials != nil && *t.Cors.AllowCredentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
}
