package dynamodb_test

// Adversarial audit of UpdateItem through the SDK. Expectations are AWS's
// behaviour; each test names its source.

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Nested SET/REMOVE on maps and lists: list indexes refer to the list as it
// was before the update, REMOVE shifts the rest down, SET past the end
// appends (developer guide, "Update expressions": "If you use SET to add a
// list element at an index beyond the end, the element is added at the end";
// "REMOVE ... the remaining elements shift").
func TestAdvUpdateNestedMapsAndLists(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_nested", "", "")
	key := advItem{"pk": s("k")}
	e.put("adv_nested", advItem{"pk": s("k"),
		"m": advM(advItem{"a": n("1"), "b": advM(advItem{"c": advL(n("1"), n("2"), n("3"))})}),
		"l": advL(s("a"), s("b"), s("c"), s("d"))})
	if _, err := e.advUpdate("adv_nested", key, "SET m.b.c[1] = :x, m.newk = :y REMOVE l[1], l[3]", nil,
		advItem{":x": s("X"), ":y": s("Y")}, ""); err != nil {
		t.Fatal(err)
	}
	got := e.advGet("adv_nested", key)
	if advShow(got["m"]) != "M{a=N:1,b=M{c=L[N:1,S:X,N:3]},newk=S:Y}" || advShow(got["l"]) != "L[S:a,S:c]" {
		t.Fatalf("after nested update: %s", advShowItem(got))
	}
	// SET past the end appends; REMOVE past the end is a no-op.
	if _, err := e.advUpdate("adv_nested", key, "SET l[10] = :z REMOVE l[7]", nil, advItem{":z": s("Z")}, ""); err != nil {
		t.Fatal(err)
	}
	if got := e.advGet("adv_nested", key); advShow(got["l"]) != "L[S:a,S:c,S:Z]" {
		t.Fatalf("append past end: %s", advShow(got["l"]))
	}
	// Two indexes of one REMOVE refer to the original list.
	if _, err := e.advUpdate("adv_nested", key, "REMOVE l[0], l[2]", nil, nil, ""); err != nil {
		t.Fatal(err)
	}
	if got := e.advGet("adv_nested", key); advShow(got["l"]) != "L[S:c]" {
		t.Fatalf("REMOVE l[0], l[2]: %s", advShow(got["l"]))
	}
	// A path through a missing map or into a scalar cannot be updated.
	_, err := e.advUpdate("adv_nested", key, "SET m.nope.deep = :v", nil, advItem{":v": s("v")}, "")
	wantErr(t, err, "ValidationException", "The document path provided in the update expression is invalid for update")
	_, err = e.advUpdate("adv_nested", key, "SET l[0].x = :v", nil, advItem{":v": s("v")}, "")
	wantErr(t, err, "ValidationException", "The document path provided in the update expression is invalid for update")
	_, err = e.advUpdate("adv_nested", key, "SET m.a[0] = :v", nil, advItem{":v": s("v")}, "")
	wantErr(t, err, "ValidationException", "The document path provided in the update expression is invalid for update")
	// Overlapping paths in one expression.
	_, err = e.advUpdate("adv_nested", key, "SET m.a = :v, m = :v", nil, advItem{":v": s("v")}, "")
	wantErr(t, err, "ValidationException", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths;")
}

// ADD on numbers and sets, DELETE from sets; a set left empty removes the
// attribute; DELETE on a missing attribute is a no-op (developer guide,
// "Update expressions", ADD and DELETE; alternator test_update_expression.py
// run against DynamoDB).
func TestAdvUpdateAddAndDelete(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_add", "", "")
	key := advItem{"pk": s("k")}
	e.put("adv_add", advItem{"pk": s("k"), "ss": advSS("a", "b"), "ns": advNS("1", "2"), "s": s("str")})
	steps := []struct {
		expr string
		vals advItem
	}{
		{"ADD cnt :five", advItem{":five": n("5")}},
		{"ADD cnt :m", advItem{":m": n("-2.5")}},
		{"ADD ss :x", advItem{":x": advSS("b", "c")}},
		{"ADD ns :x", advItem{":x": advNS("1.0", "3")}},
		{"ADD newset :x", advItem{":x": advSS("z")}},
		{"DELETE ns :x", advItem{":x": advNS("2", "99")}},
		{"DELETE gone :x", advItem{":x": advSS("q")}},
	}
	for _, st := range steps {
		if _, err := e.advUpdate("adv_add", key, st.expr, nil, st.vals, ""); err != nil {
			t.Fatalf("%s: %v", st.expr, err)
		}
	}
	got := e.advGet("adv_add", key)
	want := "{cnt=N:2.5,newset=SS[z],ns=NS[1 3],pk=S:k,s=S:str,ss=SS[a b c]}"
	if advShowItem(got) != want {
		t.Fatalf("after ADD/DELETE:\n got %s\nwant %s", advShowItem(got), want)
	}
	out, err := e.advUpdate("adv_add", key, "DELETE ss :x", nil, advItem{":x": advSS("a", "b", "c")}, types.ReturnValueAllNew)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := out.Attributes["ss"]; ok {
		t.Fatalf("emptied set still present: %s", advShowItem(out.Attributes))
	}
	// Operand types checked from the expression.
	_, err = e.advUpdate("adv_add", key, "ADD s :l", nil, advItem{":l": advL(s("x"))}, "")
	wantErr(t, err, "ValidationException", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: LIST, typeSet: ALLOWED_FOR_ADD_OPERAND")
	_, err = e.advUpdate("adv_add", key, "ADD s :v", nil, advItem{":v": s("x")}, "")
	wantErr(t, err, "ValidationException", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND")
	_, err = e.advUpdate("adv_add", key, "DELETE ns :v", nil, advItem{":v": n("1")}, "")
	wantErr(t, err, "ValidationException", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER")
	// Operand types checked against the item.
	_, err = e.advUpdate("adv_add", key, "ADD s :v", nil, advItem{":v": n("1")}, "")
	wantErr(t, err, "ValidationException", "An operand in the update expression has an incorrect data type")
	_, err = e.advUpdate("adv_add", key, "ADD ns :v", nil, advItem{":v": advSS("x")}, "")
	wantErr(t, err, "ValidationException", "An operand in the update expression has an incorrect data type")
	_, err = e.advUpdate("adv_add", key, "DELETE ns :v", nil, advItem{":v": advSS("x")}, "")
	wantErr(t, err, "ValidationException", "An operand in the update expression has an incorrect data type")
}

// if_not_exists and list_append, both orders (developer guide, "Update
// expressions": list_append "(operand, operand)" appends the second to the
// first).
func TestAdvUpdateIfNotExistsAndListAppend(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_fn", "", "")
	key := advItem{"pk": s("k")}
	vals := advItem{":d": n("10"), ":pre": advL(s("p")), ":post": advL(s("q")), ":empty": advL()}
	for i := 0; i < 2; i++ {
		if _, err := e.advUpdate("adv_fn", key, "SET c = if_not_exists(c, :d) + :d, l = list_append(:pre, if_not_exists(l, :empty)), m = list_append(if_not_exists(m, :empty), :post)", nil, vals, ""); err != nil {
			t.Fatal(err)
		}
	}
	got := e.advGet("adv_fn", key)
	// Second run: c was 20, if_not_exists keeps 20, + 10 = 30; l is prepended to, m appended to.
	if advShow(got["c"]) != "N:30" || advShow(got["l"]) != "L[S:p,S:p]" || advShow(got["m"]) != "L[S:q,S:q]" {
		t.Fatalf("if_not_exists/list_append: %s", advShowItem(got))
	}
	_, err := e.advUpdate("adv_fn", key, "SET l = list_append(l, :s)", nil, advItem{":s": s("x")}, "")
	wantErr(t, err, "ValidationException", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: S")
	_, err = e.advUpdate("adv_fn", key, "SET l = list_append(nolist, :post)", nil, advItem{":post": advL(s("q"))}, "")
	wantErr(t, err, "ValidationException", "The provided expression refers to an attribute that does not exist in the item")
	_, err = e.advUpdate("adv_fn", key, "SET l = list_append(c, :post)", nil, advItem{":post": advL(s("q"))}, "")
	wantErr(t, err, "ValidationException", "An operand in the update expression has an incorrect data type")
}

// Arithmetic: a missing operand and an operand of the wrong type
// (dynalite's updateItem suite, run against DynamoDB).
func TestAdvUpdateArithmeticErrors(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_arith", "", "")
	key := advItem{"pk": s("k")}
	e.put("adv_arith", advItem{"pk": s("k"), "str": s("x"), "num": n("1")})
	_, err := e.advUpdate("adv_arith", key, "SET c = c + :one", nil, advItem{":one": n("1")}, "")
	wantErr(t, err, "ValidationException", "The provided expression refers to an attribute that does not exist in the item")
	_, err = e.advUpdate("adv_arith", key, "SET c = str + :one", nil, advItem{":one": n("1")}, "")
	wantErr(t, err, "ValidationException", "An operand in the update expression has an incorrect data type")
	_, err = e.advUpdate("adv_arith", key, "SET c = num - :s", nil, advItem{":s": s("x")}, "")
	wantErr(t, err, "ValidationException", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: -, operand type: S")
	// Nothing was written by the failed updates.
	if got := e.advGet("adv_arith", key); advShowItem(got) != "{num=N:1,pk=S:k,str=S:x}" {
		t.Fatalf("item changed: %s", advShowItem(got))
	}
	// On a missing item, arithmetic on the missing attribute fails the same way
	// and creates nothing.
	_, err = e.advUpdate("adv_arith", advItem{"pk": s("new")}, "SET c = c + :one", nil, advItem{":one": n("1")}, "")
	wantErr(t, err, "ValidationException", "The provided expression refers to an attribute that does not exist in the item")
	if got := e.advGet("adv_arith", advItem{"pk": s("new")}); got != nil {
		t.Fatalf("failed update created %s", advShowItem(got))
	}
}

// UPDATED_OLD / UPDATED_NEW with nested paths, as alternator's
// test_update_item_returnvalues_nested (run against DynamoDB) records them.
func TestAdvUpdateReturnValuesNested(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_rvn", "", "")
	key := advItem{"pk": s("k")}
	e.put("adv_rvn", advItem{"pk": s("k"), "a": advM(advItem{"b": s("dog"), "c": advL(n("1"), n("2"), n("3"))}), "d": s("cat")})
	step := func(expr string, vals advItem, rv types.ReturnValue, want string) {
		t.Helper()
		out, err := e.advUpdate("adv_rvn", key, expr, nil, vals, rv)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		if got := advShowItem(out.Attributes); got != want {
			t.Fatalf("%s %s:\n got %s\nwant %s", expr, rv, got, want)
		}
	}
	step("SET a.b = :v", advItem{":v": s("hi")}, types.ReturnValueUpdatedOld, "{a=M{b=S:dog}}")
	step("SET a.c[1] = :v", advItem{":v": n("7")}, types.ReturnValueUpdatedOld, "{a=M{c=L[N:2]}}")
	step("SET a.c[1] = :v, a.b = :w", advItem{":v": n("8"), ":w": s("yo")}, types.ReturnValueUpdatedOld, "{a=M{b=S:hi,c=L[N:7]}}")
	step("SET a.c[1] = :v", advItem{":v": n("4")}, types.ReturnValueUpdatedNew, "{a=M{c=L[N:4]}}")
	step("REMOVE a.c[1], a.c[3]", nil, types.ReturnValueUpdatedOld, "{a=M{c=L[N:4]}}")
	step("SET a.x1 = :v", advItem{":v": n("8")}, types.ReturnValueUpdatedOld, "<none>")
	step("SET a.x2 = :v", advItem{":v": n("8")}, types.ReturnValueUpdatedNew, "{a=M{x2=N:8}}")
	// a.c is [1, 3] now; SET past the end appends but returns nothing.
	step("SET a.c[100] = :v", advItem{":v": n("70")}, types.ReturnValueUpdatedNew, "<none>")
	// REMOVE a.c[1] returns what shifted into index 1.
	step("REMOVE a.c[1]", nil, types.ReturnValueUpdatedNew, "{a=M{c=L[N:70]}}")
	step("SET d = :v", advItem{":v": s("cat")}, types.ReturnValueUpdatedOld, "{d=S:cat}")
	step("REMOVE d", nil, types.ReturnValueUpdatedNew, "<none>")
}

// ReturnValues on an item the update creates (alternator
// test_returnvalues.py, run against DynamoDB): ALL_OLD and UPDATED_OLD
// return nothing, UPDATED_NEW only the written attributes (no key).
func TestAdvUpdateReturnValuesOnNewItem(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_rvnew", "", "")
	vals := advItem{":v": n("1")}
	for rv, want := range map[types.ReturnValue]string{
		types.ReturnValueAllOld:     "<none>",
		types.ReturnValueUpdatedOld: "<none>",
		types.ReturnValueUpdatedNew: "{a=N:1}",
		types.ReturnValueAllNew:     "{a=N:1,pk=S:ALL_NEW}",
		types.ReturnValueNone:       "<none>",
	} {
		out, err := e.advUpdate("adv_rvnew", advItem{"pk": s(string(rv))}, "SET a = :v", nil, vals, rv)
		if err != nil {
			t.Fatal(err)
		}
		if got := advShowItem(out.Attributes); got != want {
			t.Fatalf("%s: got %s, want %s", rv, got, want)
		}
	}
	// An empty AttributeUpdates creates the item (just its key); ALL_NEW
	// returns it, UPDATED_NEW nothing.
	out, err := e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: aws.String("adv_rvnew"), Key: advItem{"pk": s("empty")},
		AttributeUpdates: map[string]types.AttributeValueUpdate{}, ReturnValues: types.ReturnValueAllNew})
	if err != nil || advShowItem(out.Attributes) != "{pk=S:empty}" {
		t.Fatalf("empty AttributeUpdates ALL_NEW: %v %v", advShowItem(out.Attributes), err)
	}
	out, err = e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: aws.String("adv_rvnew"), Key: advItem{"pk": s("empty2")},
		AttributeUpdates: map[string]types.AttributeValueUpdate{}, ReturnValues: types.ReturnValueUpdatedNew})
	if err != nil || out.Attributes != nil {
		t.Fatalf("empty AttributeUpdates UPDATED_NEW: %v %v", advShowItem(out.Attributes), err)
	}
	if e.advGet("adv_rvnew", advItem{"pk": s("empty2")}) == nil {
		t.Fatal("empty AttributeUpdates did not create the item")
	}
}

// An update that only removes attributes (REMOVE, AttributeUpdates DELETE,
// or DELETE of set elements) does not create a missing item (alternator
// test_item.py test_update_item_non_existent and test_update_item_delete,
// run against DynamoDB: "an update that only deletes an attribute on a
// non-existent item, does NOT create it").
func TestAdvUpdateRemoveOnlyDoesNotCreateItem(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_rmnew", "", "")
	out, err := e.advUpdate("adv_rmnew", advItem{"pk": s("r1")}, "REMOVE a", nil, nil, types.ReturnValueAllNew)
	if err != nil {
		t.Fatal(err)
	}
	if out.Attributes != nil {
		t.Errorf("REMOVE on a missing item returned ALL_NEW %s (AWS returns no Attributes)", advShowItem(out.Attributes))
	}
	if got := e.advGet("adv_rmnew", advItem{"pk": s("r1")}); got != nil {
		t.Errorf("UpdateExpression REMOVE a created %s", advShowItem(got))
	}
	if _, err := e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: aws.String("adv_rmnew"), Key: advItem{"pk": s("r2")},
		AttributeUpdates: map[string]types.AttributeValueUpdate{"a": {Action: types.AttributeActionDelete}}}); err != nil {
		t.Fatal(err)
	}
	if got := e.advGet("adv_rmnew", advItem{"pk": s("r2")}); got != nil {
		t.Errorf("AttributeUpdates DELETE created %s", advShowItem(got))
	}
	if _, err := e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: aws.String("adv_rmnew"), Key: advItem{"pk": s("r3")},
		AttributeUpdates: map[string]types.AttributeValueUpdate{"a": {Action: types.AttributeActionDelete, Value: advNS("4")}}}); err != nil {
		t.Fatal(err)
	}
	if got := e.advGet("adv_rmnew", advItem{"pk": s("r3")}); got != nil {
		t.Errorf("AttributeUpdates DELETE of set elements created %s", advShowItem(got))
	}
	if _, err := e.advUpdate("adv_rmnew", advItem{"pk": s("r4")}, "DELETE a :v", nil, advItem{":v": advSS("x")}, ""); err != nil {
		t.Fatal(err)
	}
	if got := e.advGet("adv_rmnew", advItem{"pk": s("r4")}); got != nil {
		t.Errorf("DELETE of set elements created %s", advShowItem(got))
	}
}

// An update that grows an item past 400 KB fails with UpdateItem's own text
// (API reference, UpdateItem errors: "Item size to update has exceeded the
// maximum allowed size"; dynalite updateItem.js).
func TestAdvUpdateItemTooLarge(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_big", "", "")
	key := advItem{"pk": s("k")}
	e.put("adv_big", advItem{"pk": s("k"), "a": s(strings.Repeat("a", 300*1024))})
	_, err := e.advUpdate("adv_big", key, "SET b = :b", nil, advItem{":b": s(strings.Repeat("b", 150*1024))}, "")
	advWant(t, err, "ValidationException", "Item size to update has exceeded the maximum allowed size")
	// The same through a transaction's Update action.
	_, err = e.c.TransactWriteItems(e.ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{{Update: &types.Update{
		TableName: aws.String("adv_big"), Key: key, UpdateExpression: aws.String("SET b = :b"),
		ExpressionAttributeValues: advItem{":b": s(strings.Repeat("b", 150*1024))}}}}})
	var tce *types.TransactionCanceledException
	if !asErr(err, &tce) || len(tce.CancellationReasons) != 1 || aws.ToString(tce.CancellationReasons[0].Code) != "ValidationError" ||
		aws.ToString(tce.CancellationReasons[0].Message) != "Item size to update has exceeded the maximum allowed size" {
		t.Errorf("transaction update too large: %v %+v", err, tce)
	}
}

// Legacy AttributeUpdates: PUT, ADD to numbers, sets and lists, DELETE of
// set elements, type mismatch text (alternator test_item.py
// test_update_item_add, run against DynamoDB; dynalite updateItem.js).
func TestAdvUpdateLegacyAttributeUpdates(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_legacy", "", "")
	key := advItem{"pk": s("k")}
	e.put("adv_legacy", advItem{"pk": s("k"), "n": n("7"), "ns": advNS("1", "2"), "l": advL(n("1")), "s": s("x")})
	_, err := e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: aws.String("adv_legacy"), Key: key,
		AttributeUpdates: map[string]types.AttributeValueUpdate{
			"n":   {Action: types.AttributeActionAdd, Value: n("-3.5")},
			"ns":  {Action: types.AttributeActionDelete, Value: advNS("2", "5")},
			"l":   {Action: types.AttributeActionAdd, Value: advL(n("1"), s("z"))},
			"new": {Action: types.AttributeActionAdd, Value: advSS("a")},
			"p":   {Value: s("put")},
		}})
	if err != nil {
		t.Fatal(err)
	}
	want := "{l=L[N:1,N:1,S:z],n=N:3.5,new=SS[a],ns=NS[1],p=S:put,pk=S:k,s=S:x}"
	if got := advShowItem(e.advGet("adv_legacy", key)); got != want {
		t.Fatalf("legacy updates:\n got %s\nwant %s", got, want)
	}
	_, err = e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: aws.String("adv_legacy"), Key: key,
		AttributeUpdates: map[string]types.AttributeValueUpdate{"s": {Action: types.AttributeActionAdd, Value: n("1")}}})
	wantErr(t, err, "ValidationException", "Type mismatch for attribute to update")
	_, err = e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: aws.String("adv_legacy"), Key: key,
		AttributeUpdates: map[string]types.AttributeValueUpdate{"s": {Action: types.AttributeActionPut}}})
	wantErr(t, err, "ValidationException", "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified")
	_, err = e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: aws.String("adv_legacy"), Key: key,
		AttributeUpdates: map[string]types.AttributeValueUpdate{"s": {Value: s("y")}}, UpdateExpression: aws.String("SET a = :a"),
		ExpressionAttributeValues: advItem{":a": s("a")}})
	wantErr(t, err, "ValidationException", "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}")
}

// UpdateItem changing an index key to the wrong type is refused with the
// index's text (dynalite updateItem.js, written against DynamoDB).
func TestAdvUpdateIndexKeyTypeMismatch(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_ixtype", "", "", advGSI("gsi", "gk", "", "", types.ProjectionTypeAll))
	_, err := e.advUpdate("adv_ixtype", advItem{"pk": s("k")}, "SET gk = :v", nil, advItem{":v": n("1")}, "")
	wantErr(t, err, "ValidationException", "One or more parameter values were invalid: Type mismatch for Index Key gk Expected: S Actual: N IndexName: gsi")
	_, err = e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: aws.String("adv_ixtype"), Item: advItem{"pk": s("k"), "gk": advSS("x")}})
	wantErr(t, err, "ValidationException", "One or more parameter values were invalid: Type mismatch for Index Key gk Expected: S Actual: SS IndexName: gsi")
	if got := e.advGet("adv_ixtype", advItem{"pk": s("k")}); got != nil {
		t.Fatalf("refused write stored %s", advShowItem(got))
	}
}
