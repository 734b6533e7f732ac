package dynamodb_test

// Helpers of the adversarial SDK audit (audit_adv_*_test.go). Every name
// carries the "adv" prefix so that it cannot clash with other test files.

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

type advItem = map[string]types.AttributeValue

func advSS(v ...string) types.AttributeValue { return &types.AttributeValueMemberSS{Value: v} }
func advNS(v ...string) types.AttributeValue { return &types.AttributeValueMemberNS{Value: v} }
func advL(v ...types.AttributeValue) types.AttributeValue {
	if v == nil {
		v = []types.AttributeValue{}
	}
	return &types.AttributeValueMemberL{Value: v}
}
func advM(v advItem) types.AttributeValue { return &types.AttributeValueMemberM{Value: v} }
func advB(v []byte) types.AttributeValue  { return &types.AttributeValueMemberB{Value: v} }
func advBool(v bool) types.AttributeValue { return &types.AttributeValueMemberBOOL{Value: v} }
func advNull() types.AttributeValue       { return &types.AttributeValueMemberNULL{Value: true} }

// advShow renders a value compactly and deterministically (sets sorted):
// S:x, N:1, L[..], M{a=..,b=..}, SS[a b].
func advShow(v types.AttributeValue) string {
	switch x := v.(type) {
	case nil:
		return "<nil>"
	case *types.AttributeValueMemberS:
		return "S:" + x.Value
	case *types.AttributeValueMemberN:
		return "N:" + x.Value
	case *types.AttributeValueMemberB:
		return fmt.Sprintf("B:%x", x.Value)
	case *types.AttributeValueMemberBOOL:
		return fmt.Sprintf("BOOL:%v", x.Value)
	case *types.AttributeValueMemberNULL:
		return "NULL"
	case *types.AttributeValueMemberSS:
		s := append([]string{}, x.Value...)
		sort.Strings(s)
		return "SS" + fmt.Sprint(s)
	case *types.AttributeValueMemberNS:
		s := append([]string{}, x.Value...)
		sort.Strings(s)
		return "NS" + fmt.Sprint(s)
	case *types.AttributeValueMemberBS:
		var s []string
		for _, b := range x.Value {
			s = append(s, fmt.Sprintf("%x", b))
		}
		sort.Strings(s)
		return "BS" + fmt.Sprint(s)
	case *types.AttributeValueMemberL:
		var parts []string
		for _, e := range x.Value {
			parts = append(parts, advShow(e))
		}
		return "L[" + strings.Join(parts, ",") + "]"
	case *types.AttributeValueMemberM:
		return "M" + advShowItem(x.Value)
	}
	return fmt.Sprintf("?%T", v)
}

// advShowItem renders an item with its attributes in name order; a nil item
// is "<none>".
func advShowItem(it advItem) string {
	if it == nil {
		return "<none>"
	}
	names := make([]string, 0, len(it))
	for k := range it {
		names = append(names, k)
	}
	sort.Strings(names)
	var parts []string
	for _, k := range names {
		parts = append(parts, k+"="+advShow(it[k]))
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// advGet reads an item with a consistent read (nil when absent).
func (e *env) advGet(table string, key advItem) advItem {
	e.t.Helper()
	out, err := e.c.GetItem(e.ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil {
		e.t.Fatalf("GetItem: %v", err)
	}
	return out.Item
}

// advUpdate runs an UpdateExpression with values (names optional) and
// returns the output.
func (e *env) advUpdate(table string, key advItem, expr string, names map[string]string, values advItem, rv types.ReturnValue) (*dynamodb.UpdateItemOutput, error) {
	return e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(table), Key: key, UpdateExpression: aws.String(expr),
		ExpressionAttributeNames: names, ExpressionAttributeValues: values, ReturnValues: rv,
	})
}

// advCode checks only the error code (the message is not confirmed).
func advCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s, got %v", code, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("want %s, got %s %q", code, ae.ErrorCode(), ae.ErrorMessage())
	}
}

// advErrExact checks the code and the whole message.
func advErrExact(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s (%q), got %v", code, msg, err)
	}
	if ae.ErrorCode() != code || ae.ErrorMessage() != msg {
		t.Fatalf("want %s %q, got %s %q", code, msg, ae.ErrorCode(), ae.ErrorMessage())
	}
}

// advGSI adds a global secondary index on gpk (S) [and gsk of gskType].
func advGSI(name, gpk, gsk, gskType string, proj types.ProjectionType, nonKey ...string) func(*dynamodb.CreateTableInput) {
	return func(in *dynamodb.CreateTableInput) {
		ks := []types.KeySchemaElement{{AttributeName: aws.String(gpk), KeyType: types.KeyTypeHash}}
		advAddDef(in, gpk, "S")
		if gsk != "" {
			ks = append(ks, types.KeySchemaElement{AttributeName: aws.String(gsk), KeyType: types.KeyTypeRange})
			advAddDef(in, gsk, gskType)
		}
		p := &types.Projection{ProjectionType: proj}
		if len(nonKey) > 0 {
			p.NonKeyAttributes = nonKey
		}
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{IndexName: aws.String(name), KeySchema: ks, Projection: p})
	}
}

// advLSI adds a local secondary index on lsk of lskType.
func advLSI(name, lsk, lskType string, proj types.ProjectionType, nonKey ...string) func(*dynamodb.CreateTableInput) {
	return func(in *dynamodb.CreateTableInput) {
		advAddDef(in, lsk, lskType)
		p := &types.Projection{ProjectionType: proj}
		if len(nonKey) > 0 {
			p.NonKeyAttributes = nonKey
		}
		in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, types.LocalSecondaryIndex{IndexName: aws.String(name),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String(lsk), KeyType: types.KeyTypeRange}},
			Projection: p})
	}
}

func advAddDef(in *dynamodb.CreateTableInput, name, typ string) {
	for _, d := range in.AttributeDefinitions {
		if aws.ToString(d.AttributeName) == name {
			return
		}
	}
	in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String(name), AttributeType: types.ScalarAttributeType(typ)})
}

// advStream enables a stream of the given view type at creation.
func advStream(view types.StreamViewType) func(*dynamodb.CreateTableInput) {
	return func(in *dynamodb.CreateTableInput) {
		in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: view}
	}
}

// advKeys lists a key attribute of items, in order.
func advKeys(items []advItem, name string) []string {
	var out []string
	for _, it := range items {
		out = append(out, strings.SplitN(advShow(it[name]), ":", 2)[1])
	}
	return out
}

func advUnits(cc *types.ConsumedCapacity) float64 {
	if cc == nil {
		return -1
	}
	return aws.ToFloat64(cc.CapacityUnits)
}

// advWant is wantErr that reports and continues (t.Errorf).
func advWant(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Errorf("want %s (%q), got %v", code, msg, err)
		return
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Errorf("want %s %q, got %s %q", code, msg, ae.ErrorCode(), ae.ErrorMessage())
	}
}

// advCodeSoft is advCode that reports and continues.
func advCodeSoft(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Errorf("want %s, got %v", code, err)
		return
	}
	if ae.ErrorCode() != code {
		t.Errorf("want %s, got %s %q", code, ae.ErrorCode(), ae.ErrorMessage())
	}
}
