package apigateway

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/hako-dev/hako/internal/store"
)

// The @connections management API (PostToConnection, GetConnection,
// DeleteConnection) of WebSocket APIs, served on the stage URL
// (POST|GET|DELETE /STAGE/@connections/ID) and, for clients whose
// endpoint is hako's own URL, on any host when signed for execute-api.
// A connection held by another node (same PostgreSQL store) is reached by
// forwarding the call to that node's endpoint.

// forwardedHeader marks a call forwarded by another node.
const forwardedHeader = "X-Hako-Apigw-Forwarded"

func writeMgmtError(w http.ResponseWriter, status int, code, msg string) {
	b, _ := json.Marshal(map[string]string{"message": msg})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-Errortype", code)
	h.Set("X-Amzn-Requestid", newRequestID())
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

func gone(w http.ResponseWriter) {
	writeMgmtError(w, http.StatusGone, "GoneException", "")
}

// connRow is a connection's registry row.
type connRow struct {
	apiID, stage, node, endpoint string
	connectedAt                  int64
	sourceIP, userAgent          string
}

func (s *Service) connRow(ctx context.Context, id string) (*connRow, error) {
	var r connRow
	err := s.st.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, "SELECT api_id, stage, node, endpoint, connected_at, source_ip, user_agent FROM apigw_connections WHERE conn_id = ?", id).
			Scan(&r.apiID, &r.stage, &r.node, &r.endpoint, &r.connectedAt, &r.sourceIP, &r.userAgent)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return &r, err
}

func (s *Service) serveConnections(w http.ResponseWriter, r *http.Request, apiID, id string) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet && r.Method != http.MethodDelete {
		writeMgmtError(w, http.StatusMethodNotAllowed, "MethodNotAllowedException", "Method not allowed")
		return
	}
	c := s.ws.get(id)
	if c == nil || (apiID != "" && c.apiID != apiID) {
		if apiID != "" && c != nil {
			gone(w)
			return
		}
		s.remoteConnection(w, r, apiID, id)
		return
	}
	switch r.Method {
	case http.MethodPost:
		data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, wsMessageLimit))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				writeMgmtError(w, http.StatusRequestEntityTooLarge, "PayloadTooLargeException", "Message too long")
			}
			return
		}
		if c.closing.Load() || s.ws.send(c, data) != nil {
			gone(w)
			return
		}
		w.Header().Set("X-Amzn-Requestid", newRequestID())
		w.WriteHeader(http.StatusOK)
	case http.MethodGet:
		writeConnection(w, c.connectedAt, time.UnixMilli(c.lastActive.Load()), c.sourceIP, c.userAgent)
	case http.MethodDelete:
		c.close(websocket.StatusNormalClosure, "")
		w.Header().Set("X-Amzn-Requestid", newRequestID())
		w.WriteHeader(http.StatusNoContent)
	}
}

func writeConnection(w http.ResponseWriter, connected, active time.Time, ip, ua string) {
	const layout = "2006-01-02T15:04:05.000Z"
	b, _ := json.Marshal(map[string]any{
		"connectedAt":  connected.UTC().Format(layout),
		"identity":     map[string]string{"sourceIp": ip, "userAgent": ua},
		"lastActiveAt": active.UTC().Format(layout),
	})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-Requestid", newRequestID())
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

// remoteConnection answers for a connection this node does not hold: from
// its registry row, forwarding to the node that holds it.
func (s *Service) remoteConnection(w http.ResponseWriter, r *http.Request, apiID, id string) {
	ctx := r.Context()
	row, err := s.connRow(ctx, id)
	if err != nil {
		writeMgmtError(w, http.StatusInternalServerError, "InternalServerErrorException", "Internal server error")
		return
	}
	if row == nil || (apiID != "" && row.apiID != apiID) || row.node == s.node || r.Header.Get(forwardedHeader) != "" {
		gone(w)
		return
	}
	self := ""
	if s.cfg.Endpoint != nil {
		self = s.cfg.Endpoint()
	}
	if row.endpoint == "" || row.endpoint == self {
		// left behind by an earlier run of this node: the connection is gone
		s.dropConnRow(ctx, id, row.node)
		gone(w)
		return
	}
	body, _ := io.ReadAll(http.MaxBytesReader(w, r.Body, wsMessageLimit+1))
	req, err := http.NewRequestWithContext(ctx, r.Method, strings.TrimSuffix(row.endpoint, "/")+"/"+row.stage+"/@connections/"+id, bytes.NewReader(body))
	if err != nil {
		gone(w)
		return
	}
	req.Header.Set(forwardedHeader, "1")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=hako/19700101/"+"us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := s.http.Do(req)
	if err != nil {
		// the node is gone, and its connections with it
		s.dropConnRow(ctx, id, row.node)
		gone(w)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

func (s *Service) dropConnRow(ctx context.Context, id, node string) {
	s.st.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, "DELETE FROM apigw_connections WHERE conn_id = ? AND node = ?", id, node)
		return err
	})
}

// httpIntegrate runs an HTTP integration of a WebSocket route: the event's
// body is POSTed to the URI.
func (h *hub) httpIntegrate(ctx context.Context, integ *integrationDoc, ev *wsEvent, timeout time.Duration) (int, http.Header, []byte, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	method := str(integ.IntegrationMethod)
	if method == "" || method == "ANY" {
		method = http.MethodPost
	}
	req, err := http.NewRequestWithContext(ctx, method, str(integ.IntegrationUri), strings.NewReader(ev.Body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Amzn-Apigateway-Connection-Id", ev.RequestContext.ConnectionID)
	resp, err := h.s.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, wsMessageLimit))
	return resp.StatusCode, resp.Header, b, err
}
