package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/hako-dev/hako/internal/config"
	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/awsjson"
	"github.com/hako-dev/hako/internal/protocol/awsquery"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/protocol/restjson"
	"github.com/hako-dev/hako/internal/protocol/restroute"
	"github.com/hako-dev/hako/internal/protocol/restxml"
	"github.com/hako-dev/hako/internal/protocol/sigv4"
)

// maxBody bounds the request bodies of the JSON and query protocols.
const maxBody = 16 << 20

// binding connects one service implementation to the edge.
type binding struct {
	model *model.Service
	// dispatch calls the operation with its decoded input.
	dispatch func(ctx context.Context, op string, in any) (any, error)
	// validation maps model violations to the service's error (optional).
	validation func(op string, vs []model.Violation) error
	// fixup adjusts a decoded query-protocol input from the request (optional).
	fixup  func(r *http.Request, op string, in any)
	health func() string
	// maxBody overrides the default request body limit (REST services).
	maxBody int64
	// router matches REST requests (restJson1, restXml services).
	router *restroute.Router
}

func (b *binding) rest() bool {
	return b.model.Protocol == model.RestJSON1 || b.model.Protocol == model.RestXML
}

// ServeHTTP is the edge: request id, limits, SigV4, routing, codecs.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if id, path, ok := functionURLID(r); ok {
		s.serveFunctionURL(w, r, id, path)
		return
	}
	if s.apigw.ServeDataPlane(w, r) { // API invoke URLs, WebSockets, @connections
		return
	}
	if strings.HasPrefix(r.URL.Path, "/_hako/") {
		s.serveInternal(w, r)
		return
	}
	r = s.s3Addressing(r)
	if s.serveS3Data(w, r) {
		return
	}
	reqID := uuid.NewString()
	limit := int64(maxBody)
	if r.Header.Get("X-Amz-Target") == "" && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if b := s.restBinding(r); b != nil {
			if res := b.router.Route(r); res.Op != nil && streamsInput(res.Op) {
				// S3 object bodies: handed to the service unread.
				s.serveREST(w, r, reqID, b, nil, true)
				return
			}
			if b.maxBody > 0 {
				limit = b.maxBody
			}
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeGenericError(w, r, reqID, awserr.New("RequestEntityTooLarge", "Request body is too large.").WithStatus(http.StatusRequestEntityTooLarge))
			return
		}
		return // client went away
	}

	// Which protocol and service?
	if target := r.Header.Get("X-Amz-Target"); target != "" && r.Method == http.MethodPost {
		prefix, op, _ := strings.Cut(target, ".")
		b := s.byTarget[prefix]
		if b == nil {
			writeJSONError(w, nil, model.AwsJSON11, reqID, awserr.New("UnknownOperationException", "").WithStatus(400))
			return
		}
		s.serveJSON(w, r, reqID, b, op, body)
		return
	}
	form, isQuery := queryForm(r, body)
	if isQuery {
		s.serveQuery(w, r, reqID, form, body)
		return
	}
	if b := s.restBinding(r); b != nil {
		s.serveREST(w, r, reqID, b, body, false)
		return
	}
	writeGenericError(w, r, reqID, awserr.New("UnrecognizedService", "hako could not tell which AWS service this request is for; set X-Amz-Target, an Action parameter or a SigV4 credential scope.").WithStatus(400))
}

// restBinding finds the REST service of a request: the SigV4 credential
// scope names it; unsigned requests go to the first REST service whose
// routes match the path (services with catch-all routes, like S3, are
// registered last).
func (s *Server) restBinding(r *http.Request) *binding {
	if sig, err := sigv4.Parse(r); err == nil && sig != nil {
		if b := s.bySigning[sig.Service]; b != nil && b.rest() {
			return b
		}
	}
	if b := s.hostBinding(r); b != nil && b.rest() {
		return b
	}
	for _, b := range s.restBindings {
		if res := b.router.Route(r); res.Op != nil {
			return b
		}
	}
	return nil
}

// hostBinding finds the service an unsigned request names in its Host, as
// AWS endpoints do: sqs.localhost, sqs.us-east-1.localhost:4566, ... (the
// first label is the service's endpoint prefix).
func (s *Server) hostBinding(r *http.Request) *binding {
	if s3VirtualHosted(r) {
		return s.byEndpoint["s3"] // BUCKET.s3.localhost: whatever BUCKET is
	}
	host := r.Host
	if i := strings.IndexByte(host, '.'); i > 0 {
		return s.byEndpoint[strings.ToLower(host[:i])]
	}
	return nil
}

// streamsInput reports whether op's input has a streaming payload.
func streamsInput(op *model.Operation) bool {
	return op.NewInput != nil && restroute.StreamField(reflect.TypeOf(op.NewInput())) >= 0
}

// serveREST serves a restJson1 or restXml request. With stream, the body
// has not been read: it goes to the input's streaming payload member.
func (s *Server) serveREST(w http.ResponseWriter, r *http.Request, reqID string, b *binding, body []byte, stream bool) {
	svc := b.model
	info := s.newInfo(r, reqID, svc.Protocol.String())
	info.Service = svc.Name
	writeErr := func(e *awserr.Error) {
		if svc.Name == "s3" {
			s.s3CORSHeaders(w, r)
		}
		if svc.Protocol == model.RestXML {
			restxml.WriteError(w, svc, reqID, e)
		} else {
			restjson.WriteError(w, svc, reqID, e)
		}
	}
	if e := s.authenticate(r, body, info); e != nil {
		writeErr(e)
		return
	}
	res := b.router.Route(r)
	if res.Op == nil {
		if len(res.Allow) > 0 {
			w.Header().Set("Allow", strings.Join(res.Allow, ", "))
			writeErr(awserr.New("MethodNotAllowed", "The specified method is not allowed against this resource.").WithStatus(http.StatusMethodNotAllowed))
			return
		}
		writeErr(awserr.New("UnknownOperationException", "").WithStatus(http.StatusNotFound))
		return
	}
	op := res.Op
	info.Operation = op.Name
	var in any
	if op.NewInput != nil {
		in = op.NewInput()
		var err error
		if svc.Protocol == model.RestXML {
			err = restxml.Decode(r, body, res.Labels, in)
		} else {
			err = restjson.Decode(r, body, res.Labels, in)
		}
		if err != nil {
			writeErr(awserr.As(err))
			return
		}
		if stream {
			rc, e := s.streamBody(r)
			if e != nil {
				writeErr(e)
				return
			}
			restroute.SetStream(in, rc)
		}
	}
	out, err := s.call(r.Context(), b, info, op.Name, in)
	if err != nil {
		writeErr(s.apiError(err, info))
		return
	}
	for k, v := range info.Header {
		w.Header().Set(k, v)
	}
	if svc.Name == "s3" {
		s.s3CORSHeaders(w, r)
	}
	if svc.Protocol == model.RestXML {
		restxml.WriteResponseStatus(w, svc, op, reqID, out, info.Status)
	} else {
		restjson.WriteResponse(w, op, reqID, out)
	}
}

// queryForm returns the parameters of a query-protocol request.
func queryForm(r *http.Request, body []byte) (url.Values, bool) {
	ct := r.Header.Get("Content-Type")
	if r.Method == http.MethodPost && strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			// A form post is a query-protocol request even when it is
			// malformed: answer in that protocol.
			return url.Values{"Action": {malformedForm}}, true
		}
		for k, v := range r.URL.Query() {
			if _, ok := form[k]; !ok {
				form[k] = v
			}
		}
		return form, form.Get("Action") != ""
	}
	if q := r.URL.Query(); q.Get("Action") != "" {
		return q, true
	}
	return nil, false
}

// authenticate checks SigV4 and fills in the request info.
func (s *Server) authenticate(r *http.Request, body []byte, info *reqinfo.Info) *awserr.Error {
	r = s3Original(r) // signed as sent, before virtual-host rewriting
	sig, err := sigv4.Parse(r)
	if err != nil {
		return sigError(err)
	}
	strict := s.cfg.Auth == config.AuthStrict
	if sig == nil {
		if strict && !unsignedAllowed(r) {
			return awserr.New("MissingAuthenticationToken", "Request is missing Authentication Token").WithStatus(403)
		}
		info.Account = config.DefaultAccount
		info.Region = s.cfg.Region
		return nil
	}
	info.AccessKeyID = sig.AccessKeyID
	info.Region = sig.Region
	if info.Region == "" {
		info.Region = s.cfg.Region
	}
	key, known := s.keys[sig.AccessKeyID]
	switch {
	case known:
		info.Account = key.Account
	case config.IsAccountID(sig.AccessKeyID):
		info.Account = sig.AccessKeyID
	default:
		info.Account = config.DefaultAccount
	}
	if !known {
		if strict {
			return awserr.New("InvalidClientTokenId", "The security token included in the request is invalid.").WithStatus(403)
		}
		return nil
	}
	// Presigned URLs are always checked; header signatures in strict mode.
	if !sig.Presigned && !strict {
		return nil
	}
	skew := s.cfg.MaxSkew
	if !strict {
		skew = 1 << 62 // permissive: no clock skew check
	}
	if err := sigv4.Verify(r, sig, key.Secret, sigv4.PayloadHash(r, body), s.clock.Now(), skew); err != nil {
		return sigError(err)
	}
	return nil
}

// unsignedAllowed tells the requests AWS accepts without a signature: the
// SubscribeURL and UnsubscribeURL of SNS messages, which HTTP endpoints and
// people follow with a plain GET.
func unsignedAllowed(r *http.Request) bool {
	if r.Method != http.MethodGet {
		return false
	}
	switch r.URL.Query().Get("Action") {
	case "ConfirmSubscription", "Unsubscribe":
		return true
	}
	return false
}

// verifyIAM checks the signature of a request to an API Gateway route with
// AWS_IAM authorization: always for known keys (API Gateway verifies every
// such request), unknown keys only pass in permissive mode.
func (s *Server) verifyIAM(r *http.Request, body []byte) (account, accessKey string, err error) {
	sig, perr := sigv4.Parse(r)
	if perr != nil {
		return "", "", sigError(perr)
	}
	if sig == nil {
		return "", "", awserr.New("MissingAuthenticationToken", "Forbidden").WithStatus(403)
	}
	key, known := s.keys[sig.AccessKeyID]
	if !known {
		if s.cfg.Auth == config.AuthStrict {
			return "", "", awserr.New("InvalidClientTokenId", "The security token included in the request is invalid.").WithStatus(403)
		}
		if config.IsAccountID(sig.AccessKeyID) {
			return sig.AccessKeyID, sig.AccessKeyID, nil
		}
		return config.DefaultAccount, sig.AccessKeyID, nil
	}
	skew := s.cfg.MaxSkew
	if s.cfg.Auth != config.AuthStrict {
		skew = 1 << 62
	}
	if err := sigv4.Verify(r, sig, key.Secret, sigv4.PayloadHash(r, body), s.clock.Now(), skew); err != nil {
		return "", "", sigError(err)
	}
	return key.Account, sig.AccessKeyID, nil
}

// jsonAuthError renames auth errors to the codes pure awsJson services use.
func jsonAuthError(e *awserr.Error) *awserr.Error {
	codes := map[string]string{
		"InvalidClientTokenId":       "UnrecognizedClientException",
		"SignatureDoesNotMatch":      "InvalidSignatureException",
		"MissingAuthenticationToken": "MissingAuthenticationTokenException",
	}
	if c, ok := codes[e.Code]; ok {
		cp := *e
		cp.Code = c
		return &cp
	}
	return e
}

func sigError(err error) *awserr.Error {
	var se *sigv4.Error
	if errors.As(err, &se) {
		e := awserr.New(se.Code, se.Message).WithStatus(se.Status)
		for _, f := range se.Fields {
			if e.Fields == nil {
				e.Fields = map[string]any{}
			}
			e.Fields[f.Name] = f.Value
		}
		return e
	}
	return awserr.New("IncompleteSignature", err.Error()).WithStatus(400)
}

func (s *Server) newInfo(r *http.Request, reqID, protocol string) *reqinfo.Info {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = "localhost"
	}
	return &reqinfo.Info{RequestID: reqID, Host: host, Scheme: scheme, Protocol: protocol, SourceIP: sourceIP(r)}
}

func (s *Server) serveJSON(w http.ResponseWriter, r *http.Request, reqID string, b *binding, op string, body []byte) {
	svc := b.model
	info := s.newInfo(r, reqID, svc.Protocol.String())
	info.Service, info.Operation = svc.Name, op
	if e := s.authenticate(r, body, info); e != nil {
		if !svc.QueryCompatible {
			e = jsonAuthError(e)
		}
		writeJSONError(w, svc, svc.Protocol, reqID, e)
		return
	}
	opm := svc.Operations[op]
	if opm == nil {
		writeJSONError(w, svc, svc.Protocol, reqID, awserr.New("UnknownOperationException", "").WithStatus(400))
		return
	}
	var in any
	if opm.NewInput != nil {
		in = opm.NewInput()
		if err := awsjson.Decode(body, in); err != nil {
			writeJSONError(w, svc, svc.Protocol, reqID, awserr.As(err))
			return
		}
	}
	out, err := s.call(r.Context(), b, info, op, in)
	if err != nil {
		writeJSONError(w, svc, svc.Protocol, reqID, s.apiError(err, info))
		return
	}
	awsjson.WriteResponse(w, svc.Protocol, reqID, out)
}

// malformedForm marks a form body that does not parse.
const malformedForm = "\x00malformed"

func (s *Server) serveQuery(w http.ResponseWriter, r *http.Request, reqID string, form url.Values, body []byte) {
	action := form.Get("Action")
	if action == malformedForm {
		writeQueryError(w, nil, reqID, awserr.New("MalformedQueryString", "The request body is not a valid form-urlencoded query string.").WithStatus(400))
		return
	}
	info := s.newInfo(r, reqID, "awsQuery")
	// The service: SigV4 scope first, then the Host, then the action name.
	var b *binding
	if sig, err := sigv4.Parse(r); err == nil && sig != nil {
		b = s.bySigning[sig.Service]
	}
	if b == nil {
		b = s.hostBinding(r)
	}
	if b == nil {
		b = s.byAction[action]
	}
	if b == nil {
		writeQueryError(w, nil, reqID, awserr.InvalidAction(action))
		return
	}
	svc := b.model
	info.Service, info.Operation = svc.Name, action
	if e := s.authenticate(r, body, info); e != nil {
		writeQueryError(w, svc, reqID, e)
		return
	}
	opm := svc.Operations[action]
	if opm == nil {
		writeQueryError(w, svc, reqID, awserr.InvalidAction(action))
		return
	}
	var in any
	if opm.NewInput != nil {
		in = opm.NewInput()
		if err := awsquery.Decode(form, in); err != nil {
			var de *awsquery.DecodeError
			if errors.As(err, &de) {
				writeQueryError(w, svc, reqID, awserr.Newf("InvalidParameterValue", "Value (%s) for parameter %s is invalid.", de.Value, de.Param).WithStatus(400))
				return
			}
			writeQueryError(w, svc, reqID, awserr.As(err))
			return
		}
		if b.fixup != nil {
			b.fixup(r, action, in)
		}
	}
	out, err := s.call(r.Context(), b, info, action, in)
	if err != nil {
		writeQueryError(w, svc, reqID, s.apiError(err, info))
		return
	}
	awsquery.WriteResponse(w, svc, action, reqID, out)
}

// call validates the input against the model and invokes the service.
func (s *Server) call(ctx context.Context, b *binding, info *reqinfo.Info, op string, in any) (any, error) {
	if v, ok := in.(model.Validatable); ok {
		var val model.Validator
		v.Validate(&val)
		if len(val.Violations) > 0 {
			if b.validation == nil {
				return nil, defaultValidation(val.Violations)
			}
			// A nil error: the service accepts these violations.
			if err := b.validation(op, val.Violations); err != nil {
				return nil, err
			}
		}
	}
	ctx = reqinfo.With(ctx, info)
	return b.dispatch(ctx, op, in)
}

func (s *Server) apiError(err error, info *reqinfo.Info) *awserr.Error {
	e := awserr.As(err)
	if e.Code == "InternalFailure" {
		level := slog.LevelError
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			level = slog.LevelDebug // the client went away
		}
		s.logger.Log(context.Background(), level, "internal error", "service", info.Service, "operation", info.Operation, "request_id", info.RequestID, "err", err)
	}
	return e
}

func defaultValidation(vs []model.Violation) error {
	v := vs[0]
	return awserr.Newf("ValidationException", "1 validation error detected: Value at '%s' failed to satisfy constraint: %s %s", v.Path, v.Kind, v.Detail).WithStatus(400)
}

func writeJSONError(w http.ResponseWriter, svc *model.Service, p model.Protocol, reqID string, e *awserr.Error) {
	awsjson.WriteError(w, svc, p, reqID, e)
}

func writeQueryError(w http.ResponseWriter, svc *model.Service, reqID string, e *awserr.Error) {
	awsquery.WriteError(w, svc, reqID, e)
}

// writeGenericError answers a request whose protocol is unknown: JSON when
// the client sent JSON, XML otherwise.
func writeGenericError(w http.ResponseWriter, r *http.Request, reqID string, e *awserr.Error) {
	if strings.Contains(r.Header.Get("Content-Type"), "json") {
		awsjson.WriteError(w, nil, model.AwsJSON11, reqID, e)
		return
	}
	awsquery.WriteError(w, nil, reqID, e)
}

func (s *Server) serveInternal(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/_hako/health":
		services := map[string]string{}
		for _, b := range s.bindings {
			services[b.model.Name] = b.health()
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"status": "running", "services": services})
	default:
		if s.serveS3WebsitePath(w, r) {
			return
		}
		if hexDigest, ok := strings.CutPrefix(r.URL.Path, "/_hako/lambda/code/"); ok && r.Method == http.MethodGet {
			// Code.Location of GetFunction: the deployment package.
			zipb, err := s.lambda.CodeByHexDigest(r.Context(), strings.TrimSuffix(hexDigest, ".zip"))
			if err != nil {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/zip")
			w.Header().Set("Content-Length", strconv.Itoa(len(zipb)))
			w.Write(zipb)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/_hako/sns/") {
			s.sns.HTTPHandler().ServeHTTP(w, r)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/_hako/debug/pprof/") {
			// Profiles for operators and benchmarks: /_hako/debug/pprof/profile?seconds=10
			r2 := r.Clone(r.Context())
			r2.URL.Path = strings.TrimPrefix(r.URL.Path, "/_hako")
			switch name := strings.TrimPrefix(r2.URL.Path, "/debug/pprof/"); name {
			case "profile":
				pprof.Profile(w, r2)
			case "trace":
				pprof.Trace(w, r2)
			case "":
				pprof.Index(w, r2)
			default:
				pprof.Handler(name).ServeHTTP(w, r2)
			}
			return
		}
		http.NotFound(w, r)
	}
}
