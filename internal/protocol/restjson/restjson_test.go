package restjson

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/apigatewaymanagementapiapi"
	"github.com/hako-dev/hako/internal/model/lambdaapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/restroute"
)

func TestMarshalTimestampFormats(t *testing.T) {
	at := time.Date(2024, 1, 2, 3, 4, 5, 678e6, time.UTC)
	b, err := Marshal(&apigatewaymanagementapiapi.GetConnectionResponse{
		ConnectedAt:  &model.Timestamp{Time: at},
		LastActiveAt: &model.Timestamp{Time: at.Truncate(time.Second)},
		Identity:     &apigatewaymanagementapiapi.Identity{SourceIp: ptr("10.0.0.1"), UserAgent: ptr("curl/8 <&>")},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"connectedAt":"2024-01-02T03:04:05.678Z","identity":{"sourceIp":"10.0.0.1","userAgent":"curl/8 <&>"},"lastActiveAt":"2024-01-02T03:04:05.000Z"}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	b, _ = Marshal(&lambdaapi.EventSourceMappingConfiguration{LastModified: &model.Timestamp{Time: at}, StartingPositionTimestamp: &model.Timestamp{Time: at.Truncate(time.Second)}})
	if want := `{"LastModified":1704164645.678,"StartingPositionTimestamp":1704164645}`; string(b) != want {
		t.Errorf("epoch seconds: got %s want %s", b, want)
	}
}

type oddShape struct {
	F     *float64          `json:"F,omitempty" aws:"F"`
	G     *float32          `json:"G,omitempty" aws:"G"`
	Doc   any               `json:"Doc,omitempty" aws:"Doc"`
	List  []string          `json:"List,omitempty" aws:"List"`
	Lists [][]int32         `json:"Lists,omitempty" aws:"Lists"`
	Map   map[string]*int64 `json:"Map,omitempty" aws:"Map"`
	Blob  []byte            `json:"Blob,omitempty" aws:"Blob"`
	HTTP  *model.Timestamp  `json:"HTTP,omitempty" aws:"HTTP,ts=http-date"`
}

func TestMarshalOdds(t *testing.T) {
	b, err := Marshal(oddShape{
		F:     ptr(math.Inf(-1)),
		G:     ptr(float32(0.1)),
		Doc:   map[string]any{"z": []any{1, "two", nil}, "a": true},
		List:  []string{},
		Lists: [][]int32{{1, 2}, {}},
		Map:   map[string]*int64{"b": ptr(int64(2)), "a": nil},
		Blob:  []byte{},
		HTTP:  &model.Timestamp{Time: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"F":"-Infinity","G":0.1,"Doc":{"a":true,"z":[1,"two",null]},"List":[],"Lists":[[1,2],[]],"Map":{"a":null,"b":2},"Blob":"","HTTP":"Tue, 02 Jan 2024 03:04:05 GMT"}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

func TestDecodeBlobPayloadAndLabels(t *testing.T) {
	r, _ := http.NewRequest("POST", "http://h/@connections/abc%3D", nil)
	var in apigatewaymanagementapiapi.PostToConnectionRequest
	if err := Decode(r, []byte("\x00raw\xff"), map[string]string{"ConnectionId": "abc="}, &in); err != nil {
		t.Fatal(err)
	}
	if *in.ConnectionId != "abc=" || string(in.Data) != "\x00raw\xff" {
		t.Errorf("decoded %+v", in)
	}
	// Nil inputs (Unit) and non-pointers are ignored.
	if err := Decode(r, []byte("{"), nil, nil); err != nil {
		t.Error(err)
	}
}

func TestWriteResponseShapes(t *testing.T) {
	op := apigatewaymanagementapiapi.Service.Operations["GetConnection"]
	rec := httptest.NewRecorder()
	WriteResponse(rec, op, "rid", &apigatewaymanagementapiapi.GetConnectionResponse{})
	if rec.Code != 200 || rec.Body.String() != "{}" || rec.Header().Get("Content-Type") != "application/json" || rec.Header().Get("X-Amzn-Requestid") != "rid" {
		t.Errorf("empty output: %d %v %q", rec.Code, rec.Header(), rec.Body)
	}
	rec = httptest.NewRecorder()
	WriteResponse(rec, apigatewaymanagementapiapi.Service.Operations["DeleteConnection"], "rid", nil)
	if rec.Code != 204 || rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "" || rec.Header().Get("Content-Length") != "0" {
		t.Errorf("unit output: %d %v %q", rec.Code, rec.Header(), rec.Body)
	}
	rec = httptest.NewRecorder()
	WriteResponse(rec, lambdaapi.Service.Operations["Invoke"], "rid", &lambdaapi.InvocationResponse{StatusCode: ptr(int32(200))})
	if rec.Code != 200 || rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "" {
		t.Errorf("nil payload: %d %v %q", rec.Code, rec.Header(), rec.Body)
	}
	rec = httptest.NewRecorder()
	WriteResponse(rec, lambdaapi.Service.Operations["GetFunction"], "rid", &oddShapeWithBadDoc{Doc: func() {}})
	if rec.Code != 500 || rec.Header().Get("X-Amzn-Errortype") != "InternalFailure" {
		t.Errorf("unencodable output: %d %v %q", rec.Code, rec.Header(), rec.Body)
	}
}

type oddShapeWithBadDoc struct {
	Doc any `json:"Doc" aws:"Doc"`
}

func TestWriteError(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteError(rec, lambdaapi.Service, "rid", &awserr.Error{Code: "ServiceException", Message: "boom", Fields: map[string]any{"Message": "Boom", "Type": "Service"}})
	var body map[string]any
	json.Unmarshal(rec.Body.Bytes(), &body)
	if rec.Code != 500 || rec.Header().Get("X-Amzn-Errortype") != "ServiceException" || body["Message"] != "Boom" || body["message"] != nil || body["Type"] != "Service" {
		t.Errorf("%d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	rec = httptest.NewRecorder()
	WriteError(rec, nil, "rid", &awserr.Error{Code: "Oops", Message: "m", Server: true})
	if rec.Code != 500 || rec.Body.String() != `{"message":"m"}` {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
}

func TestUnknownRoute(t *testing.T) {
	srv := httptest.NewServer(newFake(lambdaapi.Service, lambdaResponder))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/nope")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 404 || !strings.Contains(string(b), "/nope") {
		t.Errorf("%d %s", resp.StatusCode, b)
	}
	_ = restroute.New
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "quote\" back\\ nl\n tab\t", "\x00\x1f\x7f", "日本\u2028\u2029", "\xff\xfe bad utf8", "<script>&amp;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%q encodes to invalid JSON %s: %v", s, b, err)
		}
		// Same string as encoding/json gives (invalid bytes become U+FFFD).
		var ref string
		jb, _ := json.Marshal(s)
		json.Unmarshal(jb, &ref)
		if got != ref {
			t.Fatalf("%q round-trips to %q, encoding/json gives %q", s, got, ref)
		}
	})
}

// FuzzDecodeJSONBody: arbitrary bodies never panic, and what decodes
// re-encodes to a document that decodes to the same value.
func FuzzDecodeJSONBody(f *testing.F) {
	for _, s := range []string{`{}`, `{"FunctionName":"f","Code":{"ZipFile":"UEsDBA=="},"Timeout":3,"Environment":{"Variables":{"a":"b"}}}`,
		`{"Tags":null}`, `[]`, `{"Timeout":"x"}`, `{"Layers":["a",1]}`} {
		f.Add(s)
	}
	op := lambdaapi.Service.Operations["CreateFunction"]
	f.Fuzz(func(t *testing.T, body string) {
		r, _ := http.NewRequest("POST", "http://h/2015-03-31/functions", nil)
		in := op.NewInput()
		if err := Decode(r, []byte(body), nil, in); err != nil {
			if _, ok := err.(*awserr.Error); !ok {
				t.Fatalf("error %T %v", err, err)
			}
			return
		}
		b, err := Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		again := op.NewInput()
		if err := Decode(r, b, nil, again); err != nil {
			t.Fatalf("re-encoded %s does not decode: %v", b, err)
		}
		b2, _ := Marshal(again)
		if string(b) != string(b2) {
			t.Fatalf("not a fixed point:\n%s\n%s", b, b2)
		}
	})
}
