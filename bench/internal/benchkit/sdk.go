package benchkit

import (
	"net/http"
	"time"

	"github.com/hako-dev/hako/internal/hakotest"
)

// SDKHTTPClient is the HTTP client for the AWS SDK clients of the
// benchmarks (see hakotest.HTTPClient for why it copies request bodies).
func SDKHTTPClient() *http.Client { return hakotest.HTTPClient(30 * time.Second) }
