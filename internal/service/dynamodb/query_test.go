package dynamodb_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestQueryOrderRangesAndPaging(t *testing.T) {
	e := newEnv(t)
	e.createTable("events", "ts", "N")
	for _, v := range []string{"-5", "-0.5", "0", "2", "10", "100", "1e3", "3.25"} {
		e.put("events", map[string]types.AttributeValue{"pk": s("p"), "ts": n(v), "v": n(v)})
	}
	e.put("events", map[string]types.AttributeValue{"pk": s("other"), "ts": n("1")})
	q := func(in *dynamodb.QueryInput) []string {
		t.Helper()
		in.TableName = aws.String("events")
		out, err := e.c.Query(e.ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range out.Items {
			got = append(got, it["ts"].(*types.AttributeValueMemberN).Value)
		}
		return got
	}
	vals := func(kv ...string) map[string]types.AttributeValue {
		m := map[string]types.AttributeValue{":p": s("p")}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = n(kv[i+1])
		}
		return m
	}
	all := q(&dynamodb.QueryInput{KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: vals()})
	if fmt.Sprint(all) != "[-5 -0.5 0 2 3.25 10 100 1000]" {
		t.Fatalf("order: %v", all)
	}
	rev := q(&dynamodb.QueryInput{KeyConditionExpression: aws.String("pk = :p AND ts BETWEEN :a AND :b"), ExpressionAttributeValues: vals(":a", "0", ":b", "10"), ScanIndexForward: aws.Bool(false)})
	if fmt.Sprint(rev) != "[10 3.25 2 0]" {
		t.Fatalf("between desc: %v", rev)
	}
	gt := q(&dynamodb.QueryInput{KeyConditionExpression: aws.String("pk = :p AND ts > :a"), ExpressionAttributeValues: vals(":a", "3.25")})
	if fmt.Sprint(gt) != "[10 100 1000]" {
		t.Fatalf("gt: %v", gt)
	}
	// Pages of 3 cover everything once; Limit counts items before the filter.
	var pages []string
	var start map[string]types.AttributeValue
	for i := 0; i < 10; i++ {
		out, err := e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("events"), KeyConditionExpression: aws.String("pk = :p"),
			ExpressionAttributeValues: vals(), Limit: aws.Int32(3), ExclusiveStartKey: start})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range out.Items {
			pages = append(pages, it["ts"].(*types.AttributeValueMemberN).Value)
		}
		if start = out.LastEvaluatedKey; start == nil {
			break
		}
	}
	if fmt.Sprint(pages) != fmt.Sprint(all) {
		t.Fatalf("paged %v, want %v", pages, all)
	}
	out, err := e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("events"), KeyConditionExpression: aws.String("pk = :p"),
		FilterExpression: aws.String("v > :z"), ExpressionAttributeValues: vals(":z", "0"), Limit: aws.Int32(4)})
	if err != nil || aws.ToInt32(&out.Count) != 1 || out.ScannedCount != 4 || out.LastEvaluatedKey == nil {
		t.Fatalf("filter with limit: count %d scanned %d last %v err %v", out.Count, out.ScannedCount, out.LastEvaluatedKey, err)
	}
	cnt, err := e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("events"), KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: vals(), Select: types.SelectCount})
	if err != nil || cnt.Count != 8 || cnt.Items != nil {
		t.Fatalf("count: %+v %v", cnt, err)
	}
	_, err = e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("events"), KeyConditionExpression: aws.String("pk = :p"),
		FilterExpression: aws.String("ts > :z"), ExpressionAttributeValues: vals(":z", "0")})
	wantErr(t, err, "ValidationException", "Filter Expression can only contain non-primary key attributes: Primary key attribute: ts")
}

func TestQueryBeginsWithAndIndexes(t *testing.T) {
	e := newEnv(t)
	e.createTable("docs", "sk", "S", func(in *dynamodb.CreateTableInput) {
		in.AttributeDefinitions = append(in.AttributeDefinitions,
			types.AttributeDefinition{AttributeName: aws.String("owner"), AttributeType: types.ScalarAttributeTypeS},
			types.AttributeDefinition{AttributeName: aws.String("size"), AttributeType: types.ScalarAttributeTypeN})
		in.GlobalSecondaryIndexes = []types.GlobalSecondaryIndex{{
			IndexName:  aws.String("by-owner"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("owner"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("size"), KeyType: types.KeyTypeRange}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: []string{"title"}},
		}}
		in.LocalSecondaryIndexes = []types.LocalSecondaryIndex{{
			IndexName:  aws.String("by-size"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("size"), KeyType: types.KeyTypeRange}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly},
		}}
	})
	for i, sk := range []string{"doc#1", "doc#2", "img#1", "doc#3"} {
		e.put("docs", map[string]types.AttributeValue{"pk": s("u"), "sk": s(sk), "owner": s("ann"), "size": n(fmt.Sprint(40 - i*10)), "title": s("t" + sk), "body": s("b")})
	}
	e.put("docs", map[string]types.AttributeValue{"pk": s("u"), "sk": s("doc#9"), "title": s("no owner")})
	out, err := e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("docs"), KeyConditionExpression: aws.String("pk = :u AND begins_with(sk, :d)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":u": s("u"), ":d": s("doc#")}})
	if err != nil || out.Count != 4 {
		t.Fatalf("begins_with: %d %v", out.Count, err)
	}
	g, err := e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("docs"), IndexName: aws.String("by-owner"),
		KeyConditionExpression: aws.String("#o = :o AND #s >= :m"), ExpressionAttributeNames: map[string]string{"#o": "owner", "#s": "size"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":o": s("ann"), ":m": n("20")}})
	if err != nil || g.Count != 3 {
		t.Fatalf("gsi: %+v %v", g, err)
	}
	first := g.Items[0]
	if first["size"].(*types.AttributeValueMemberN).Value != "20" || first["title"] == nil || first["body"] != nil {
		t.Fatalf("gsi projection/order: %+v", first)
	}
	_, err = e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("docs"), IndexName: aws.String("by-owner"), ConsistentRead: aws.Bool(true),
		KeyConditionExpression: aws.String("#o = :o"), ExpressionAttributeNames: map[string]string{"#o": "owner"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":o": s("ann")}})
	wantErr(t, err, "ValidationException", "Consistent reads are not supported on global secondary indexes")
	l, err := e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("docs"), IndexName: aws.String("by-size"), Select: types.SelectAllAttributes,
		KeyConditionExpression: aws.String("pk = :u"), ExpressionAttributeValues: map[string]types.AttributeValue{":u": s("u")}})
	if err != nil || l.Count != 4 || l.Items[0]["body"] == nil || l.Items[0]["size"].(*types.AttributeValueMemberN).Value != "10" {
		t.Fatalf("lsi with ALL_ATTRIBUTES: %+v %v", l.Items, err)
	}
	_, err = e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("docs"), IndexName: aws.String("nope"),
		KeyConditionExpression: aws.String("pk = :u"), ExpressionAttributeValues: map[string]types.AttributeValue{":u": s("u")}})
	wantErr(t, err, "ValidationException", "The table does not have the specified index: nope")
}

func TestScanSegmentsCoverTableOnce(t *testing.T) {
	e := newEnv(t)
	e.createTable("big", "", "")
	for i := 0; i < 200; i++ {
		e.put("big", map[string]types.AttributeValue{"pk": s(fmt.Sprintf("k%03d", i))})
	}
	seen := map[string]int{}
	for seg := int32(0); seg < 4; seg++ {
		var start map[string]types.AttributeValue
		for {
			out, err := e.c.Scan(e.ctx, &dynamodb.ScanInput{TableName: aws.String("big"), Segment: aws.Int32(seg), TotalSegments: aws.Int32(4), Limit: aws.Int32(30), ExclusiveStartKey: start})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range out.Items {
				seen[it["pk"].(*types.AttributeValueMemberS).Value]++
			}
			if start = out.LastEvaluatedKey; start == nil {
				break
			}
		}
	}
	if len(seen) != 200 {
		t.Fatalf("segments saw %d distinct items", len(seen))
	}
	for k, c := range seen {
		if c != 1 {
			t.Fatalf("%s seen %d times", k, c)
		}
	}
	_, err := e.c.Scan(e.ctx, &dynamodb.ScanInput{TableName: aws.String("big"), Segment: aws.Int32(4), TotalSegments: aws.Int32(4)})
	wantErr(t, err, "ValidationException", "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 4 is not less than TotalSegments: 4")
	empty, err := e.c.Scan(e.ctx, &dynamodb.ScanInput{TableName: aws.String("big"), FilterExpression: aws.String("attribute_exists(nothing)")})
	if err != nil || empty.Items == nil || len(empty.Items) != 0 || empty.ScannedCount != 200 {
		t.Fatalf("empty filtered scan: items %v scanned %d err %v", empty.Items, empty.ScannedCount, err)
	}
}
