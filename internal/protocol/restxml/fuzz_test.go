package restxml

import (
	"bytes"
	"net/http"
	"reflect"
	"testing"

	"github.com/hako-dev/hako/internal/model/s3api"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/restroute"
)

// FuzzDecodeBody feeds arbitrary bodies to the S3 operations that take XML
// payloads. Decode must never panic and only return *awserr.Error; what
// decodes must re-encode to a document that decodes to the same value
// (encode(decode(encode(v))) == encode(v)).
func FuzzDecodeBody(f *testing.F) {
	seeds := []string{
		`<Delete><Object><Key>a</Key><VersionId>v</VersionId></Object><Object><Key>b</Key></Object><Quiet>true</Quiet></Delete>`,
		`<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part><ETag>"e"</ETag><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>`,
		`<LifecycleConfiguration><Rule><ID>r</ID><Filter><And><Prefix>p</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></And></Filter><Status>Enabled</Status><Expiration><Date>2024-01-01T00:00:00Z</Date></Expiration></Rule></LifecycleConfiguration>`,
		`<Tagging><TagSet><Tag><Key>k</Key><Value></Value></Tag></TagSet></Tagging>`,
		`<AccessControlPolicy><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>u</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`,
		`<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>`,
		`<!DOCTYPE x [<!ENTITY a "b">]><Delete/>`,
		`<a><a><a>`,
		``,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	ops := []string{"DeleteObjects", "CompleteMultipartUpload", "PutBucketLifecycleConfiguration", "PutBucketTagging", "PutBucketAcl", "CreateBucket", "PutBucketNotificationConfiguration", "PutBucketReplication"}
	r, _ := http.NewRequest("PUT", "http://h/b", nil)
	f.Fuzz(func(t *testing.T, body string) {
		for _, name := range ops {
			op := s3api.Service.Operations[name]
			in := op.NewInput()
			if err := Decode(r, []byte(body), map[string]string{"Bucket": "b"}, in); err != nil {
				if _, ok := err.(*awserr.Error); !ok {
					t.Fatalf("%s: error %T %v", name, err, err)
				}
				continue
			}
			payload := payloadOf(in)
			if !payload.IsValid() || payload.IsNil() {
				continue
			}
			enc := encodePayload(payload)
			again := reflect.New(payload.Type().Elem())
			root, err := Parse(enc)
			if err != nil {
				t.Fatalf("%s: re-encoded %s does not parse: %v", name, enc, err)
			}
			if err := DecodeElement(root, again.Interface(), false); err != nil {
				t.Fatalf("%s: re-encoded %s does not decode: %v", name, enc, err)
			}
			if enc2 := encodePayload(again); !bytes.Equal(enc, enc2) {
				t.Fatalf("%s: not a fixed point:\n%s\n%s", name, enc, enc2)
			}
		}
	})
}

func payloadOf(in any) reflect.Value {
	v := reflect.ValueOf(in).Elem()
	for _, f := range restroute.Fields(v.Type()) {
		if f.Loc == restroute.Payload {
			return v.Field(f.Index)
		}
	}
	return reflect.Value{}
}

func encodePayload(v reflect.Value) []byte {
	var b bytes.Buffer
	EncodeElement(&b, "Root", "", v.Interface(), false)
	return b.Bytes()
}

func FuzzParse(f *testing.F) {
	f.Add(`<a x="1"><b>t</b><!-- c --><c/></a>`)
	f.Add(`<?xml version="1.0"?><a>&amp;&#65;</a>`)
	f.Fuzz(func(t *testing.T, doc string) {
		n, err := Parse([]byte(doc))
		if err != nil || n == nil {
			return
		}
		depth := 0
		var walk func(*Node, int)
		walk = func(n *Node, d int) {
			depth = max(depth, d)
			for _, c := range n.Children {
				walk(c, d+1)
			}
		}
		walk(n, 1)
		if depth > MaxDepth {
			t.Fatalf("depth %d", depth)
		}
	})
}
