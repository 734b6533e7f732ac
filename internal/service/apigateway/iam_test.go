package apigateway_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
)

// TestIAMAuthorization puts an AWS_IAM route in front of an HTTP backend:
// an unsigned request gets 403 "Forbidden", a request signed for
// execute-api with the right secret goes through, and one signed with a
// wrong secret of a known key gets 403 with SigV4's mismatch message.
func TestIAMAuthorization(t *testing.T) {
	h := start(t)
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("backend")) }))
	defer backend.Close()
	id := quickAPI(t, h, backend.URL)
	c := h.APIGateway()
	routes, err := c.GetRoutes(bg, &apigatewayv2.GetRoutesInput{ApiId: &id})
	if err != nil || len(routes.Items) != 1 {
		t.Fatalf("routes %v %v", routes, err)
	}
	if _, err := c.UpdateRoute(bg, &apigatewayv2.UpdateRouteInput{ApiId: &id, RouteId: routes.Items[0].RouteId, AuthorizationType: types.AuthorizationTypeAwsIam}); err != nil {
		t.Fatal(err)
	}
	u := invokeURL(h, id) + "/items"
	resp, b := do(t, "GET", u, "", nil)
	if resp.StatusCode != 403 || message(t, b) != "Forbidden" {
		t.Fatalf("unsigned: %d %s", resp.StatusCode, b)
	}
	signed := func(secret string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", u, nil)
		sum := sha256.Sum256(nil)
		if err := v4.NewSigner().SignHTTP(bg, aws.Credentials{AccessKeyID: h.AccessKey, SecretAccessKey: secret}, req, hex.EncodeToString(sum[:]), "execute-api", h.Region, time.Now()); err != nil {
			t.Fatal(err)
		}
		hdr := map[string]string{}
		for k := range req.Header {
			hdr[k] = req.Header.Get(k)
		}
		return do(t, "GET", u, "", hdr)
	}
	if resp, b := signed(h.SecretKey); resp.StatusCode != 200 || string(b) != "backend" {
		t.Fatalf("signed: %d %s", resp.StatusCode, b)
	}
	resp, b = signed("wrong-secret")
	if resp.StatusCode != 403 || message(t, b) == "Forbidden" {
		t.Fatalf("wrong secret: %d %s", resp.StatusCode, b)
	}
	t.Logf("wrong secret: %s", b)
}
