package dynamodb_test

// Adversarial audit of ConsumedCapacity through the SDK (developer guide,
// "Capacity unit consumption", "Global secondary indexes: provisioned
// throughput considerations", "Local secondary indexes: read and write
// capacity units"; alternator test_returnconsumedcapacity.py, run against
// DynamoDB). Item size = attribute name bytes + value bytes.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// advSized is an item of exactly size bytes: pk "k" (2 bytes) and d.
func advSized(pk string, size int) advItem {
	return advItem{"pk": s(pk), "d": s(strings.Repeat("x", size-len("pk")-len(pk)-len("d")))}
}

func TestAdvCapacityItemOperations(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_cap", "", "")
	tbl := aws.String("adv_cap")
	total := types.ReturnConsumedCapacityTotal
	get := func(pk string, consistent bool, proj string) float64 {
		t.Helper()
		in := &dynamodb.GetItemInput{TableName: tbl, Key: advItem{"pk": s(pk)}, ConsistentRead: aws.Bool(consistent), ReturnConsumedCapacity: total}
		if proj != "" {
			in.ProjectionExpression = aws.String(proj)
		}
		out, err := e.c.GetItem(e.ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return advUnits(out.ConsumedCapacity)
	}
	put := func(item advItem) float64 {
		t.Helper()
		out, err := e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: tbl, Item: item, ReturnConsumedCapacity: total})
		if err != nil {
			t.Fatal(err)
		}
		return advUnits(out.ConsumedCapacity)
	}
	check := func(what string, got, want float64) {
		t.Helper()
		if got != want {
			t.Errorf("%s: %v units, want %v", what, got, want)
		}
	}
	check("put 1024 B", put(advSized("a", 1024)), 1)
	check("put 1025 B", put(advSized("b", 1025)), 2)
	check("put 4096 B", put(advSized("c", 4096)), 4)
	check("put 4097 B", put(advSized("d", 4097)), 5)
	check("get 4096 B strong", get("c", true, ""), 1)
	check("get 4096 B eventual", get("c", false, ""), 0.5)
	check("get 4097 B strong", get("d", true, ""), 2)
	check("get 4097 B eventual, projected", get("d", false, "pk"), 1)
	check("get missing strong", get("zz", true, ""), 1)
	check("get missing eventual", get("zz", false, ""), 0.5)
	// A replace is charged by the larger of the two items.
	check("put 2049 B", put(advSized("e", 2049)), 3)
	check("put small over 2049 B", put(advItem{"pk": s("e")}), 3)
	del, err := e.c.DeleteItem(e.ctx, &dynamodb.DeleteItemInput{TableName: tbl, Key: advItem{"pk": s("d")}, ReturnConsumedCapacity: total})
	if err != nil {
		t.Fatal(err)
	}
	check("delete 4097 B", advUnits(del.ConsumedCapacity), 5)
	del, err = e.c.DeleteItem(e.ctx, &dynamodb.DeleteItemInput{TableName: tbl, Key: advItem{"pk": s("nothing")}, ReturnConsumedCapacity: total})
	if err != nil {
		t.Fatal(err)
	}
	check("delete missing", advUnits(del.ConsumedCapacity), 1)
	upd, err := e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: tbl, Key: advItem{"pk": s("f")}, UpdateExpression: aws.String("SET d = :d"),
		ExpressionAttributeValues: advItem{":d": s(strings.Repeat("y", 2049-len("pkfd")))}, ReturnConsumedCapacity: total})
	if err != nil {
		t.Fatal(err)
	}
	check("update creating 2049 B", advUnits(upd.ConsumedCapacity), 3)
	// BatchGetItem rounds each item on its own; TransactGetItems and
	// TransactWriteItems cost double.
	bg, err := e.c.BatchGetItem(e.ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		"adv_cap": {Keys: []map[string]types.AttributeValue{{"pk": s("a")}, {"pk": s("b")}, {"pk": s("c")}}, ConsistentRead: aws.Bool(true)}}, ReturnConsumedCapacity: total})
	if err != nil || len(bg.ConsumedCapacity) != 1 {
		t.Fatalf("batch get: %v %v", bg, err)
	}
	check("batch get 3 small strong", aws.ToFloat64(bg.ConsumedCapacity[0].CapacityUnits), 3)
	tg, err := e.c.TransactGetItems(e.ctx, &dynamodb.TransactGetItemsInput{TransactItems: []types.TransactGetItem{
		{Get: &types.Get{TableName: tbl, Key: advItem{"pk": s("a")}}}, {Get: &types.Get{TableName: tbl, Key: advItem{"pk": s("c")}}}}, ReturnConsumedCapacity: total})
	if err != nil || len(tg.ConsumedCapacity) != 1 {
		t.Fatalf("transact get: %v %v", tg, err)
	}
	check("transact get 2 items", aws.ToFloat64(tg.ConsumedCapacity[0].CapacityUnits), 4)
	tw, err := e.c.TransactWriteItems(e.ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: tbl, Item: advSized("g", 1500)}}}, ReturnConsumedCapacity: total})
	if err != nil || len(tw.ConsumedCapacity) != 1 {
		t.Fatalf("transact write: %v %v", tw, err)
	}
	check("transact put 1500 B", aws.ToFloat64(tw.ConsumedCapacity[0].CapacityUnits), 4)
	// Query rounds the total of the items read: 10 × 500 B = 5000 B.
	e.createTable("adv_capq", "sk", "N")
	for i := 0; i < 10; i++ {
		it := advSized("p", 500-len("sk")-1)
		it["sk"] = n(fmt.Sprint(i))
		e.put("adv_capq", it)
	}
	for consistent, want := range map[bool]float64{true: 2, false: 1} {
		q, err := e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("adv_capq"), KeyConditionExpression: aws.String("pk = :p"),
			ExpressionAttributeValues: advItem{":p": s("p")}, ConsistentRead: aws.Bool(consistent), ReturnConsumedCapacity: total})
		if err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("query 5000 B consistent=%v", consistent), advUnits(q.ConsumedCapacity), want)
	}
}

// GSI write charges with ReturnConsumedCapacity INDEXES: "If an item is not
// present in the index before or after the item is updated, there is no
// additional write cost for the index"; a key change costs a delete and a
// put; an update that changes no projected attribute of an index does not
// write to it (only "an update ... [that] changes the value of projected
// attributes" needs "one write ... to update the values of the projected
// attributes into the index").
func TestAdvCapacityGSIWrites(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_capgsi", "", "",
		advGSI("gall", "g", "", "", types.ProjectionTypeAll),
		advGSI("hkeys", "h", "", "", types.ProjectionTypeKeysOnly))
	tbl := aws.String("adv_capgsi")
	key := advItem{"pk": s("k")}
	idx := types.ReturnConsumedCapacityIndexes
	show := func(cc *types.ConsumedCapacity) string {
		if cc == nil {
			return "<nil>"
		}
		out := fmt.Sprintf("total=%v table=%v", aws.ToFloat64(cc.CapacityUnits), aws.ToFloat64(cc.Table.CapacityUnits))
		for _, n := range []string{"gall", "hkeys"} {
			if c, ok := cc.GlobalSecondaryIndexes[n]; ok {
				out += fmt.Sprintf(" %s=%v", n, aws.ToFloat64(c.CapacityUnits))
			}
		}
		return out
	}
	step := func(what string, expr string, vals advItem, want string) {
		t.Helper()
		out, err := e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: tbl, Key: key, UpdateExpression: aws.String(expr),
			ExpressionAttributeValues: vals, ReturnConsumedCapacity: idx})
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got := show(out.ConsumedCapacity); got != want {
			t.Errorf("%s: %s, want %s", what, got, want)
		}
	}
	p, err := e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: tbl, Item: advItem{"pk": s("k"), "g": s("G"), "h": s("H"), "x": s("1")}, ReturnConsumedCapacity: idx})
	if err != nil {
		t.Fatal(err)
	}
	if got := show(p.ConsumedCapacity); got != "total=3 table=1 gall=1 hkeys=1" {
		t.Errorf("new item in both indexes: %s", got)
	}
	step("non-projected attribute of hkeys", "SET x = :x", advItem{":x": s("2")}, "total=2 table=1 gall=1")
	step("gall key change", "SET g = :g", advItem{":g": s("G2")}, "total=3 table=1 gall=2")
	step("hkeys key removed", "REMOVE h", nil, "total=3 table=1 gall=1 hkeys=1")
	step("not in hkeys before or after", "SET y = :y", advItem{":y": s("y")}, "total=2 table=1 gall=1")
	np, err := e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: tbl, Item: advItem{"pk": s("bare")}, ReturnConsumedCapacity: idx})
	if err != nil {
		t.Fatal(err)
	}
	if got := show(np.ConsumedCapacity); got != "total=1 table=1" {
		t.Errorf("item in no index: %s", got)
	}
}

// An LSI query that fetches non-projected attributes is charged for the
// index entries (rounded to 4 KB) plus each table item read (each rounded
// to 4 KB): the developer guide's example of 4 items of 300 bytes with 200
// projected costs 4 KB + 4 × 4 KB = 20 KB.
func TestAdvCapacityLSITableFetches(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_caplsi", "sk", "S", advLSI("byl", "l", "S", types.ProjectionTypeInclude, "inc"))
	for i := 0; i < 4; i++ {
		// pk(2+1) sk(2+2) l(1+1) inc(3+188) = 200 projected; rest(4+96) more.
		e.put("adv_caplsi", advItem{"pk": s("p"), "sk": s(fmt.Sprintf("s%d", i)), "l": s(fmt.Sprint(i)),
			"inc": s(strings.Repeat("i", 188)), "rest": s(strings.Repeat("r", 96))})
	}
	q, err := e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("adv_caplsi"), IndexName: aws.String("byl"), Select: types.SelectAllAttributes,
		KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: advItem{":p": s("p")}, ConsistentRead: aws.Bool(true),
		ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	if err != nil || q.Count != 4 || q.Items[0]["rest"] == nil {
		t.Fatalf("lsi query: %v %v", q, err)
	}
	if u := advUnits(q.ConsumedCapacity); u != 5 {
		t.Errorf("LSI query with table fetches: %v units, want 5 (20 KB strongly consistent)", u)
	}
}
