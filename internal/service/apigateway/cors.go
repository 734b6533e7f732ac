package apigateway

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	api "github.com/hako-dev/hako/internal/model/apigatewayv2api"
)

// CORS of HTTP APIs: with a CorsConfiguration API Gateway answers
// preflight requests itself (whatever the routes) and adds the CORS
// headers to the responses of allowed origins.

func originAllowed(c *api.Cors, origin string) bool {
	if origin == "" {
		return false
	}
	for _, o := range c.AllowOrigins {
		if o == "*" || strings.EqualFold(o, origin) {
			return true
		}
		// wildcard subdomains: https://*.example.com
		if pre, suf, ok := strings.Cut(o, "*"); ok && strings.HasPrefix(origin, pre) && strings.HasSuffix(origin, suf) && len(origin) > len(pre)+len(suf) {
			return true
		}
	}
	return false
}

func allowOrigin(c *api.Cors, origin string) string {
	if slices.Contains(c.AllowOrigins, "*") && !valueOr(c.AllowCredentials, false) {
		return "*"
	}
	return origin
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if x == "*" || strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// preflight answers an OPTIONS preflight from the CORS configuration: 204
// with the CORS headers when origin, method and headers are allowed, 204
// without them otherwise.
func (c *call) preflight(w http.ResponseWriter, cors *api.Cors) {
	h := w.Header()
	origin := c.r.Header.Get("Origin")
	method := c.r.Header.Get("Access-Control-Request-Method")
	ok := originAllowed(cors, origin) && containsFold(cors.AllowMethods, method)
	if reqHeaders := c.r.Header.Get("Access-Control-Request-Headers"); ok && reqHeaders != "" {
		for _, rh := range strings.Split(reqHeaders, ",") {
			if rh = strings.TrimSpace(rh); rh != "" && !containsFold(cors.AllowHeaders, rh) {
				ok = false
			}
		}
	}
	if ok {
		h.Set("Access-Control-Allow-Origin", allowOrigin(cors, origin))
		h.Set("Access-Control-Allow-Methods", strings.Join(cors.AllowMethods, ","))
		if len(cors.AllowHeaders) > 0 {
			h.Set("Access-Control-Allow-Headers", strings.ToLower(strings.Join(cors.AllowHeaders, ",")))
		}
		if cors.MaxAge != nil && *cors.MaxAge >= 0 {
			h.Set("Access-Control-Max-Age", strconv.Itoa(int(*cors.MaxAge)))
		}
		if valueOr(cors.AllowCredentials, false) {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		h.Add("Vary", "Origin")
	}
	h.Set("Apigw-Requestid", c.reqID)
	c.status = http.StatusNoContent
	w.WriteHeader(http.StatusNoContent)
}

// addCORS adds the CORS headers to a response for an allowed origin,
// replacing the integration's own.
func addCORS(h http.Header, r *http.Request, cors *api.Cors) {
	origin := r.Header.Get("Origin")
	if !originAllowed(cors, origin) {
		return
	}
	h.Set("Access-Control-Allow-Origin", allowOrigin(cors, origin))
	if len(cors.ExposeHeaders) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.ToLower(strings.Join(cors.ExposeHeaders, ",")))
	}
	if valueOr(cors.AllowCredentials, false) {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	h.Add("Vary", "Origin")
}
