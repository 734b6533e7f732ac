package apigateway

import (
	"sync"
	"time"

	api "github.com/hako-dev/hako/internal/model/apigatewayv2api"
)

// Throttling: a token bucket per stage and route key, from the stage's
// RouteSettings for the route key or else its DefaultRouteSettings
// (ThrottlingRateLimit requests per second, ThrottlingBurstLimit tokens).
// Without settings, requests are not throttled (AWS's account-level
// 10,000 rps / 5,000 burst is not enforced). Buckets live in this node's
// memory.

type limiters struct {
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

// limitsFor returns the rate and burst of a route key, ok false when none
// is set.
func limitsFor(st stageDoc, routeKey string) (rate float64, burst int32, ok bool) {
	pick := func(rs *api.RouteSettings) bool {
		if rs == nil || (rs.ThrottlingRateLimit == nil && rs.ThrottlingBurstLimit == nil) {
			return false
		}
		rate, burst = valueOr(rs.ThrottlingRateLimit, 10000), valueOr(rs.ThrottlingBurstLimit, 5000)
		return true
	}
	if rs, found := st.RouteSettings[routeKey]; found && pick(&rs) {
		return rate, burst, true
	}
	if pick(st.DefaultRouteSettings) {
		return rate, burst, true
	}
	return 0, 0, false
}

// allow takes a token for a request of a route key, false when throttled.
func (l *limiters) allow(now time.Time, apiID, stage string, st stageDoc, routeKey string) bool {
	rate, burst, ok := limitsFor(st, routeKey)
	if !ok {
		return true
	}
	key := apiID + "/" + stage + "/" + routeKey
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = map[string]*bucket{}
	}
	b := l.buckets[key]
	if b == nil || b.rate != rate || b.burst != float64(burst) {
		b = &bucket{rate: rate, burst: float64(burst), tokens: float64(burst), last: now}
		l.buckets[key] = b
	}
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = min(b.burst, b.tokens+el*b.rate)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
