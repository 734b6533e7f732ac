package dynamodb_test

// Adversarial audit of numbers through the SDK (alternator test_number.py,
// run against DynamoDB; developer guide, "Data types": numbers are returned
// without leading or trailing zeros).

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestAdvNumbersCanonicalAndArithmetic(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_num", "sk", "N")
	// Canonical forms, in attributes, sets and keys.
	e.put("adv_num", advItem{"pk": s("p"), "sk": n("1E+2"), "a": n("0.10"), "b": n("-0"), "c": n("-00012.3400"), "d": n("5e-3"),
		"e": n("1E+40"), "ns": advNS("1.50", "-0.0", "2E1"), "l": advL(n("007"))})
	got := e.advGet("adv_num", advItem{"pk": s("p"), "sk": n("100.000")})
	want := "{a=N:0.1,b=N:0,c=N:-12.34,d=N:0.005,e=N:10000000000000000000000000000000000000000,l=L[N:7],ns=NS[0 1.5 20],pk=S:p,sk=N:100}"
	if advShowItem(got) != want {
		t.Errorf("canonical forms:\n got %s\nwant %s", advShowItem(got), want)
	}
	key := advItem{"pk": s("p"), "sk": n("100")}
	up := func(expr string, vals advItem) (string, error) {
		out, err := e.advUpdate("adv_num", key, expr, nil, vals, types.ReturnValueUpdatedNew)
		if err != nil {
			return "", err
		}
		return advShowItem(out.Attributes), nil
	}
	// 38 significant digits, exactly.
	if got, err := up("SET x = :a + :b", advItem{":a": n("1"), ":b": n("10000000000000000000000")}); err != nil || got != "{x=N:10000000000000000000001}" {
		t.Errorf("1 + 1e22: %s %v", got, err)
	}
	if got, err := up("SET x = :b - :a", advItem{":a": n("1"), ":b": n("10000000000000000000000")}); err != nil || got != "{x=N:9999999999999999999999}" {
		t.Errorf("1e22 - 1: %s %v", got, err)
	}
	if got, err := up("SET y = :a", advItem{":a": n("99999999999999999999999999999999999999")}); err != nil || got != "{y=N:99999999999999999999999999999999999999}" {
		t.Errorf("38 nines: %s %v", got, err)
	}
	if got, err := up("ADD y :one", advItem{":one": n("1")}); err != nil || got != "{y=N:100000000000000000000000000000000000000}" {
		t.Errorf("38 nines + 1: %s %v", got, err)
	}
	if got, err := up("SET z = :a + :b", advItem{":a": n("0.1"), ":b": n("0.2")}); err != nil || got != "{z=N:0.3}" {
		t.Errorf("0.1 + 0.2: %s %v", got, err)
	}
	if got, err := up("SET z = z - :b", advItem{":b": n("0.3")}); err != nil || got != "{z=N:0}" {
		t.Errorf("0.3 - 0.3: %s %v", got, err)
	}
	// Precision and range errors of arithmetic ("Strangely, DynamoDB says
	// that the error is: Number overflow" for lost precision).
	_, err := up("SET w = :a + :b", advItem{":a": n("1e50"), ":b": n("1")})
	advWant(t, err, "ValidationException", "Number overflow. Attempting to store a number with magnitude larger than supported range")
	_, err = up("SET w = :a + :b", advItem{":a": n("9e125"), ":b": n("9e125")})
	advWant(t, err, "ValidationException", "Number overflow. Attempting to store a number with magnitude larger than supported range")
	_, err = up("ADD y :tiny", advItem{":tiny": n("1e-100")})
	advWant(t, err, "ValidationException", "Number overflow. Attempting to store a number with magnitude larger than supported range")
	// Numbers compare numerically in conditions and key conditions.
	out, err := e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("adv_num"), KeyConditionExpression: aws.String("pk = :p AND sk = :k"),
		FilterExpression: aws.String("a = :a AND e > :e"), ExpressionAttributeValues: advItem{":p": s("p"), ":k": n("1e2"), ":a": n("1.000e-1"), ":e": n("9.99e39")}})
	if err != nil || out.Count != 1 {
		t.Errorf("numeric comparisons: %v %v", out, err)
	}
	// A number with 38 digits survives a round trip through a key.
	big := "-1234567890123456789012345678901234567.8"
	e.put("adv_num", advItem{"pk": s("big"), "sk": n(big)})
	if got := e.advGet("adv_num", advItem{"pk": s("big"), "sk": n(big + "000")}); got == nil || strings.TrimPrefix(advShow(got["sk"]), "N:") != big {
		t.Errorf("38-digit key: %s", advShowItem(got))
	}
}
