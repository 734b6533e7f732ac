package dynamodb_test

// Adversarial audit of item reads and writes through the SDK.

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// ProjectionExpression on nested paths (alternator
// test_projection_expression_path, run against DynamoDB): paths keep their
// place in the document; paths that do not resolve are left out; an item
// none of whose projected paths exist comes back as an empty Item, not as a
// missing one.
func TestAdvProjectionPaths(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_projp", "", "")
	key := advItem{"pk": s("p")}
	e.put("adv_projp", advItem{"pk": s("p"),
		"a": advM(advItem{"b": advL(n("2"), n("4"), advM(advItem{"x": s("hi"), "y": s("yo")})), "c": n("5")}), "b": s("hello"),
		"a.b": s("dotted")})
	get := func(proj string, names map[string]string) advItem {
		t.Helper()
		out, err := e.c.GetItem(e.ctx, &dynamodb.GetItemInput{TableName: aws.String("adv_projp"), Key: key, ProjectionExpression: aws.String(proj),
			ExpressionAttributeNames: names, ConsistentRead: aws.Bool(true)})
		if err != nil {
			t.Fatalf("%s: %v", proj, err)
		}
		return out.Item
	}
	for proj, want := range map[string]string{
		"a.b[0]":                   "{a=M{b=L[N:2]}}",
		"a.b[2].y":                 "{a=M{b=L[M{y=S:yo}]}}",
		"a.b[0],a.c":               "{a=M{b=L[N:2],c=N:5}}",
		"a.b[0], a.b[1]":           "{a=M{b=L[N:2,N:4]}}",
		"a.c,b":                    "{a=M{c=N:5},b=S:hello}",
		"a.x, a.b[0], x, a.b[3].x": "{a=M{b=L[N:2]}}",
		"x":                        "{}",
		"a.b[3]":                   "{}",
		"a.b.x":                    "{}",
		"a[0]":                     "{}",
		"a.b[0][0]":                "{}",
	} {
		got := get(proj, nil)
		if got == nil || advShowItem(got) != want {
			t.Errorf("ProjectionExpression %q: %s, want %s", proj, advShowItem(got), want)
		}
	}
	if got := get("#n", map[string]string{"#n": "a.b"}); advShowItem(got) != "{a.b=S:dotted}" {
		t.Errorf("#n = a.b: %s", advShowItem(got))
	}
	_, err := e.c.GetItem(e.ctx, &dynamodb.GetItemInput{TableName: aws.String("adv_projp"), Key: key, ProjectionExpression: aws.String("a, a.b[2].c")})
	advWant(t, err, "ValidationException", "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b, [2], c]")
	_, err = e.c.GetItem(e.ctx, &dynamodb.GetItemInput{TableName: aws.String("adv_projp"), Key: key, ProjectionExpression: aws.String("a.b, a[1]")})
	advWant(t, err, "ValidationException", "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [1]]")
	// The same through Query and Scan: items without the attributes are {}.
	q, err := e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("adv_projp"), KeyConditionExpression: aws.String("pk = :p"),
		ExpressionAttributeValues: advItem{":p": s("p")}, ProjectionExpression: aws.String("nothing")})
	if err != nil || len(q.Items) != 1 || q.Items[0] == nil || len(q.Items[0]) != 0 {
		t.Errorf("query projecting a missing attribute: %v %v", q, err)
	}
}

// PutItem and DeleteItem ReturnValues (alternator test_returnvalues.py, run
// against DynamoDB), and GetItem of a missing item (no Item at all).
func TestAdvPutDeleteReturnValues(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_prv", "", "")
	tbl := aws.String("adv_prv")
	out, err := e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: tbl, Item: advItem{"pk": s("p"), "a": s("hi")}, ReturnValues: types.ReturnValueAllOld})
	if err != nil || out.Attributes != nil {
		t.Fatalf("ALL_OLD on a new item: %v %v", out.Attributes, err)
	}
	out, err = e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: tbl, Item: advItem{"pk": s("p"), "b": s("hello")}, ReturnValues: types.ReturnValueAllOld})
	if err != nil || advShowItem(out.Attributes) != "{a=S:hi,pk=S:p}" {
		t.Fatalf("ALL_OLD on a replace: %v %v", advShowItem(out.Attributes), err)
	}
	del, err := e.c.DeleteItem(e.ctx, &dynamodb.DeleteItemInput{TableName: tbl, Key: advItem{"pk": s("none")}, ReturnValues: types.ReturnValueAllOld})
	if err != nil || del.Attributes != nil {
		t.Fatalf("DeleteItem ALL_OLD of a missing item: %v %v", del.Attributes, err)
	}
	g, err := e.c.GetItem(e.ctx, &dynamodb.GetItemInput{TableName: tbl, Key: advItem{"pk": s("none")}})
	if err != nil || g.Item != nil {
		t.Fatalf("GetItem of a missing item: %v %v", g.Item, err)
	}
	// Empty lists and maps are kept; an empty string outside keys too.
	e.put("adv_prv", advItem{"pk": s("e"), "l": advL(), "m": advM(advItem{}), "s": s(""), "b": advB([]byte{})})
	if got := e.advGet("adv_prv", advItem{"pk": s("e")}); advShowItem(got) != "{b=B:,l=L[],m=M{},pk=S:e,s=S:}" {
		t.Errorf("empty values: %s", advShowItem(got))
	}
}

// Sort keys order binary as unsigned bytes and strings by UTF-8 bytes
// (developer guide, "Query": "DynamoDB ... sorts ... by the sort key value
// ... For type Binary, DynamoDB treats each byte of the binary data as
// unsigned"; strings "by UTF-8 bytes").
func TestAdvSortKeyOrdering(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_ordb", "sk", "B")
	for _, b := range [][]byte{{0xff}, {0x00}, {0x80}, {0x7f}, {0x00, 0x01}, {0x80, 0x00}} {
		e.put("adv_ordb", advItem{"pk": s("p"), "sk": advB(b)})
	}
	q, err := e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("adv_ordb"), KeyConditionExpression: aws.String("pk = :p AND begins_with(sk, :pre)"),
		ExpressionAttributeValues: advItem{":p": s("p"), ":pre": advB([]byte{0x80})}})
	if err != nil || len(q.Items) != 2 {
		t.Fatalf("begins_with on binary: %v %v", q, err)
	}
	all, err := e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("adv_ordb"), KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: advItem{":p": s("p")}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range all.Items {
		got = append(got, advShow(it["sk"]))
	}
	if want := "[B:00 B:0001 B:7f B:80 B:8000 B:ff]"; advJoin(got) != want {
		t.Errorf("binary order %s, want %s", advJoin(got), want)
	}
	e.createTable("adv_ords", "sk", "S")
	for _, v := range []string{"é", "a", "Z", "😀", "aa", "ｚ", "A"} {
		e.put("adv_ords", advItem{"pk": s("p"), "sk": s(v)})
	}
	all, err = e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("adv_ords"), KeyConditionExpression: aws.String("pk = :p"),
		ExpressionAttributeValues: advItem{":p": s("p")}, ScanIndexForward: aws.Bool(false)})
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, it := range all.Items {
		got = append(got, advShow(it["sk"]))
	}
	// UTF-8 byte order (U+FF5A ｚ is EF BD 9A, 😀 is F0 9F 98 80), reversed.
	if want := "[S:😀 S:ｚ S:é S:aa S:a S:Z S:A]"; advJoin(got) != want {
		t.Errorf("string order (descending) %s, want %s", advJoin(got), want)
	}
}

func advJoin(v []string) string {
	out := "["
	for i, x := range v {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out + "]"
}

// BatchGetItem returns at most 16 MB and the rest as UnprocessedKeys (API
// reference, BatchGetItem: "if you ask to retrieve 100 items, but each
// individual item is 300 KB in size, the system returns 52 items (so as not
// to exceed the 16 MB limit)").
func TestAdvBatchGet16MB(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_bg16", "", "")
	big := make([]byte, 300*1024)
	var keys []map[string]types.AttributeValue
	for i := 0; i < 60; i++ {
		k := advItem{"pk": s(advPad(i))}
		e.put("adv_bg16", advItem{"pk": s(advPad(i)), "v": advB(big)})
		keys = append(keys, k)
	}
	out, err := e.c.BatchGetItem(e.ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{"adv_bg16": {Keys: keys}}})
	if err != nil {
		t.Fatal(err)
	}
	got := len(out.Responses["adv_bg16"])
	left := len(out.UnprocessedKeys["adv_bg16"].Keys)
	if got+left != 60 || left == 0 {
		t.Fatalf("returned %d, unprocessed %d", got, left)
	}
	if bytes := got * (300*1024 + 1 + 2 + 1 + 2); bytes > 16*1024*1024 {
		t.Errorf("returned %d items of 300 KB (%d bytes), more than 16 MB", got, bytes)
	}
}

func advPad(i int) string { return string(rune('a'+i/26)) + string(rune('a'+i%26)) }
