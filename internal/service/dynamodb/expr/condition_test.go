package expr

import (
	"strings"
	"testing"

	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
)

// Expected texts come from DynamoDB's own messages as quoted by suites run
// against it (dynalite's, ScyllaDB's alternator tests, the nubo-db
// conformance suite), from user reports of real responses, and from
// DynamoDB Local's message table; see the package's report for which is
// which.

const condValues = `{":s":{"S":"x"},":n":{"N":"1"},":n2":{"N":"2"},":b":{"B":"YQ=="},":bool":{"BOOL":true},":null":{"NULL":true},` +
	`":l":{"L":[{"N":"1"}]},":m":{"M":{}},":ss":{"SS":["a"]},":t":{"S":"N"},":dog":{"S":"DOG"}}`

func TestConditionErrors(t *testing.T) {
	const inv = "Invalid ConditionExpression: "
	tests := []struct {
		expr, names, want string
	}{
		// Syntax errors: the token and the text near it.
		{"a foo", "", inv + `Syntax error; token: "foo", near: "a foo"`},
		{"a-b", "", inv + `Syntax error; token: "-", near: "a-b"`},
		{"whatever", "", inv + `Syntax error; token: "<EOF>", near: "whatever"`},
		{"a = ", "", inv + `Syntax error; token: "<EOF>", near: "= "`},
		{"a = :s)", "", inv + `Syntax error; token: ")", near: ":s)"`},
		{"(a = :s", "", inv + `Syntax error; token: "<EOF>", near: ":s"`},
		{"a IN ()", "", inv + `Syntax error; token: ")", near: "()"`},
		{"a == :s", "", inv + `Syntax error; token: "=", near: "== :s"`},
		{"a != :s", "", inv + `Syntax error; token: "!", near: "a !="`},
		{"a = :s b = :s", "", inv + `Syntax error; token: "b", near: ":s b ="`},
		{"a = 5", "", inv + `Syntax error; token: "5", near: "= 5"`},
		{"_a = :s", "", inv + `Syntax error; token: "_", near: "_a"`},
		{"a = :", "", inv + `Syntax error; token: ":", near: "= :"`},
		{"# = :s", "", inv + `Syntax error; token: "#", near: "# ="`},
		{"a.set = :s", "", inv + `Syntax error; token: "set", near: ".set ="`},
		{"a[-1] = :s", "", inv + `Syntax error; token: "-", near: "[-1"`},
		{"a[:s] = :s", "", inv + `Syntax error; token: ":s", near: "[:s]"`},
		{"a = :s AND", "", inv + `Syntax error; token: "<EOF>", near: "AND"`},
		{"a = :s + :s", "", inv + `Syntax error; token: "+", near: ":s + :s"`},
		{"a BETWEEN :s", "", inv + `Syntax error; token: "<EOF>", near: ":s"`},
		{"a BETWEEN :s OR :s", "", inv + `Syntax error; token: "OR", near: ":s OR :s"`},
		{"NOT", "", inv + `Syntax error; token: "<EOF>", near: "NOT"`},
		{"  a", "", inv + `Syntax error; token: "<EOF>", near: "a"`},
		{"attribute_exists(a) = ", "", inv + `Syntax error; token: "<EOF>", near: "= "`},
		{"f()", "", inv + `Syntax error; token: ")", near: "()"`},
		{"(a).b = :s", "", inv + `Syntax error; token: ".", near: ").b"`},
		{"a = b = c", "", inv + `Syntax error; token: "=", near: "b = c"`},
		{"a = :s é", "", inv + `Syntax error; token: "é", near: ":s é"`},
		{"a\t=\n:s x", "", inv + `Syntax error; token: "x", near: ":s x"`},
		{"((a = :s)) AND", "", inv + "The expression has redundant parentheses;"},
		// Empty and too long.
		{"", "", inv + "The expression can not be empty;"},
		{strings.Repeat("a = :s AND ", 373) + "a = :s", "", inv + "Expression size has exceeded the maximum allowed size; expression size: 4109"},
		// Redundant parentheses.
		{"((a = :s))", "", inv + "The expression has redundant parentheses;"},
		{"((attribute_not_exists(a)))", "", inv + "The expression has redundant parentheses;"},
		{"((a)) = :s", "", inv + "The expression has redundant parentheses;"},
		{"size(((a))) = :n", "", inv + "The expression has redundant parentheses;"},
		// Functions.
		{"foo(a)", "", inv + "Invalid function name; function: foo"},
		{"dog(a) = :n", "", inv + "Invalid function name; function: dog"},
		{"SIZE(a) = :n", "", inv + "Invalid function name; function: SIZE"},
		{"size(a)", "", inv + "The function is not allowed to be used this way in an expression; function: size"},
		{"attribute_exists(a) < :n", "", inv + "The function is not allowed to be used this way in an expression; function: attribute_exists"},
		{"size(attribute_exists(a)) = :n", "", inv + "The function is not allowed to be used this way in an expression; function: attribute_exists"},
		{"if_not_exists(a, a) = :n", "", inv + "The function is not allowed in a condition expression; function: if_not_exists"},
		{"list_append(a, a) = :n", "", inv + "The function is not allowed in a condition expression; function: list_append"},
		{"attribute_exists(a, b)", "", inv + "Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2"},
		{"size(a, a) = :n", "", inv + "Incorrect number of operands for operator or function; operator or function: size, number of operands: 2"},
		{"begins_with(a)", "", inv + "Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1"},
		{"attribute_exists(:s)", "", inv + "Operator or function requires a document path; operator or function: attribute_exists"},
		{"attribute_not_exists(size(a))", "", inv + "Operator or function requires a document path; operator or function: attribute_not_exists"},
		{"contains(#a, #a)", `{"#a":"data"}`, inv + "The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [data]"},
		{"a = #a", `{"#a":"a"}`, inv + "The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]"},
		{"a.b[1] < a.b[1]", "", inv + "The first operand must be distinct from the remaining operands for this operator or function; operator: <, first operand: [a, b, [1]]"},
		{"a BETWEEN :n AND a", "", inv + "The first operand must be distinct from the remaining operands for this operator or function; operator: BETWEEN, first operand: [a]"},
		{"a IN (b, a)", "", inv + "The first operand must be distinct from the remaining operands for this operator or function; operator: IN, first operand: [a]"},
		{"begins_with(a, :n)", "", inv + "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
		{"begins_with(size(a), :s)", "", inv + "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
		{"attribute_type(a, b)", "", inv + "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}"},
		{"attribute_type(a, :n)", "", inv + "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"},
		{"attribute_type(a, :dog)", "", inv + "Invalid attribute type name found; type: DOG, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"},
		{"size(:n) = :n", "", inv + "Incorrect operand type for operator or function; operator or function: size, operand type: N"},
		{"size(:bool) = :n", "", inv + "Incorrect operand type for operator or function; operator or function: size, operand type: BOOL"},
		{"a < :bool", "", inv + "Incorrect operand type for operator or function; operator or function: <, operand type: BOOL"},
		{"a >= :l", "", inv + "Incorrect operand type for operator or function; operator or function: >=, operand type: L"},
		{"a BETWEEN :l AND :l", "", inv + "Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: L"},
		{"a BETWEEN :n AND :s", "", inv + "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:x}"},
		{"a BETWEEN :n2 AND :n", "", inv + "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:2}, upper bound operand: AttributeValue: {N:1}"},
		// Names and values.
		{"#x = :s", "", inv + "An expression attribute name used in the document path is not defined; attribute name: #x"},
		{"#x = :s", `{"#y":"y"}`, inv + "An expression attribute name used in the document path is not defined; attribute name: #x"},
		{"a = :nope", "", inv + "An expression attribute value used in expression is not defined; attribute value: :nope"},
		{"a.#x = :nope", "", inv + "An expression attribute name used in the document path is not defined; attribute name: #x"},
		// Reserved words.
		{"status = :s", "", inv + "Attribute name is a reserved keyword; reserved keyword: status"},
		{"a.Name = :s", "", inv + "Attribute name is a reserved keyword; reserved keyword: Name"},
		{"foo(status)", "", inv + "Invalid function name; function: foo"},
		{"a = :s AND size(status) = :n", "", inv + "Attribute name is a reserved keyword; reserved keyword: status"},
		// Limits.
		{"a[99999999999] = :s", "", inv + "List index is not within the allowable range;"},
		{"a" + strings.Repeat(".a", 32) + " = :s", "", inv + "The document path has too many nesting levels; nesting levels: 33"},
		{"a IN (" + strings.TrimSuffix(strings.Repeat(":n,", 101), ",") + ")", "", inv + "The IN operator is provided with too many operands; number of operands: 101"},
		{strings.Repeat("NOT ", 301) + "a = :s", "", inv + "The expression contains too many operators; operator count: 301"},
	}
	for _, tt := range tests {
		r := &Request{Names: names(t, tt.names), Values: values(t, condValues)}
		_, err := r.Condition(tt.expr)
		if got := errText(err); got != tt.want {
			t.Errorf("Condition(%q)\n got %s\nwant %s", tt.expr, got, tt.want)
		}
	}
}

func TestConditionPrefixes(t *testing.T) {
	r := &Request{}
	if _, err := r.Filter("a foo"); errText(err) != `Invalid FilterExpression: Syntax error; token: "foo", near: "a foo"` {
		t.Errorf("Filter: %v", err)
	}
	if _, err := r.KeyCondition("a foo", KeySchema{PartitionKey: "a"}); errText(err) != `Invalid KeyConditionExpression: Syntax error; token: "foo", near: "a foo"` {
		t.Errorf("KeyCondition: %v", err)
	}
	if _, err := r.Update("a foo"); errText(err) != `Invalid UpdateExpression: Syntax error; token: "a", near: "a foo"` {
		t.Errorf("Update: %v", err)
	}
	if _, err := r.Projection("a foo"); errText(err) != `Invalid ProjectionExpression: Syntax error; token: "foo", near: "a foo"` {
		t.Errorf("Projection: %v", err)
	}
}

func TestConditionValid(t *testing.T) {
	for _, expr := range []string{
		"a = :s",
		"(a = :s)",
		"(attribute_exists(a)) AND (#n = :s)",
		"(attribute_exists(a) AND #n = :s)",
		"(attribute_exists(a) AND (#n = :s))",
		"(a = :s OR (a = :s))",
		"(size(a)) > :n",
		"((size(a)) > :n)",
		"(a) = :s",
		"a BETWEEN :n AND :n2 AND b = :s",
		"a between :n and :n2",
		"NOT NOT NOT NOT a < :n",
		"nOt a < b aNd b < c oR c < a",
		"attribute_exists (a)",
		"attribute_type(:s, :t)",
		"begins_with(:s, a)",
		"contains(a, :ss)",
		"size(a) = b",
		"a IN (:s)",
		"a IN (" + strings.TrimSuffix(strings.Repeat(":n,", 99), ",") + ")",
		"a.b[1].#n.c[22] = :s",
		"#n = :s",
		"Alpha_Numeric_123 = :s",
		"a=:s",
		"\ta\r\n=\n:s",
		"size(a) < size(b)",
		strings.Repeat("NOT ", 299) + "a = :s",
	} {
		r := &Request{Names: names(t, `{"#n":"n"}`), Values: values(t, condValues)}
		if _, err := r.Condition(expr); err != nil {
			t.Errorf("Condition(%q): %v", expr, err)
		}
	}
}

func TestConditionEval(t *testing.T) {
	const doc = `{"s":{"S":"hello"},"s2":{"S":"hello"},"n":{"N":"5"},"n2":{"N":"5.0"},"b":{"B":"aGkgdGhlcmU="},` +
		`"t":{"BOOL":true},"z":{"NULL":true},"l":{"L":[{"N":"2"},{"S":"dog"},{"SS":["x","y"]},{"L":[{"N":"3"}]}]},` +
		`"m":{"M":{"x":{"N":"1"},"y":{"M":{"q":{"S":"deep"}}}}},"ss":{"SS":["a","b","c"]},"ns":{"NS":["1","2.5","10"]},` +
		`"bs":{"BS":["YQ==","Yg=="]},"u":{"S":"é𝄞"},"emp":{"S":""},"ss2":{"SS":["c","b","a"]}}`
	const vals = `{":hello":{"S":"hello"},":hell":{"S":"hell"},":ell":{"S":"ell"},":dog":{"S":"dog"},":five":{"N":"5"},":fivee":{"N":"5e0"},` +
		`":two":{"N":"2"},":three":{"N":"3"},":ten":{"N":"10"},":twoFive":{"N":"2.50"},":hi":{"B":"aGk="},":here":{"B":"aGVyZQ=="},":a":{"S":"a"},` +
		`":sx":{"SS":["x","y"]},":l3":{"L":[{"N":"3"}]},":abc":{"SS":["c","a","b"]},":S":{"S":"S"},":N":{"S":"N"},":L":{"S":"L"},":M":{"S":"M"},` +
		`":NULL":{"S":"NULL"},":BOOL":{"S":"BOOL"},":bA":{"B":"YQ=="},":true":{"BOOL":true},":null":{"NULL":true},":zero":{"N":"0"},":empty":{"S":""},":one":{"N":"1"},` +
		`":deep":{"S":"deep"},":x":{"S":"x"}}`
	tests := []struct {
		expr string
		want bool
	}{
		{"s = :hello", true},
		{"s = s2", true},
		{"s = :hell", false},
		{"n = :five", true},
		{"n = :fivee", true},
		{"n = n2", true},
		{"nope = :five", false},
		{"nope = nope2", false},
		{"nope <> :five", true},
		{"nope <> nope2", true},
		{"n <> :hello", true},
		{"n <> :five", false},
		{"s < :dog", false},
		{"s > :dog", true},
		{"n < :ten", true},
		{"n <= :five", true},
		{"n > :ten", false},
		{"n >= :fivee", true},
		{"n < :hello", false},
		{"nope < :ten", false},
		{"b > :here", true},
		{"b > :hi", true},
		{"n BETWEEN :two AND :ten", true},
		{"n BETWEEN :five AND :five", true},
		{"n BETWEEN :two AND :three", false},
		{"s BETWEEN :hell AND :hello", true},
		{"n BETWEEN :hell AND :hello", false},
		{"nope BETWEEN :two AND :ten", false},
		{"n BETWEEN ns AND :ten", false},
		{"n BETWEEN n2 AND :two", false},
		{"n IN (:two, :hello, :five)", true},
		{"n IN (:two, :hello)", false},
		{"ss IN (:abc)", true},
		{"nope IN (:two)", false},
		{"attribute_exists(s)", true},
		{"attribute_exists(nope)", false},
		{"attribute_exists(m.y.q)", true},
		{"attribute_exists(m.y.r)", false},
		{"attribute_exists(l[3][0])", true},
		{"attribute_exists(l[4])", false},
		{"attribute_exists(s.x)", false},
		{"attribute_exists(s[0])", false},
		{"attribute_not_exists(nope)", true},
		{"attribute_not_exists(s)", false},
		{"attribute_type(s, :S)", true},
		{"attribute_type(n, :N)", true},
		{"attribute_type(n, :S)", false},
		{"attribute_type(l, :L)", true},
		{"attribute_type(m, :M)", true},
		{"attribute_type(z, :NULL)", true},
		{"attribute_type(t, :BOOL)", true},
		{"attribute_type(nope, :S)", false},
		{"attribute_type(:five, :N)", true},
		{"begins_with(s, :hell)", true},
		{"begins_with(s, :ell)", false},
		{"begins_with(s, :empty)", true},
		{"begins_with(b, :hi)", true},
		{"begins_with(b, :hell)", false},
		{"begins_with(n, :hell)", false},
		{"begins_with(nope, :hell)", false},
		{"begins_with(:hello, s)", true},
		{"contains(s, :ell)", true},
		{"contains(s, :dog)", false},
		{"contains(b, :here)", true},
		{"contains(b, :ell)", false},
		{"contains(ss, :a)", true},
		{"contains(ss, :dog)", false},
		{"contains(ns, :twoFive)", true},
		{"contains(ns, :three)", false},
		{"contains(bs, :bA)", true},
		{"contains(l, :two)", true},
		{"contains(l, :dog)", true},
		{"contains(l, :sx)", true},
		{"contains(l, :l3)", true},
		{"contains(l, :ten)", false},
		{"contains(m, :x)", false},
		{"contains(n, :five)", false},
		{"contains(nope, :a)", false},
		{"size(s) = :five", true},
		{"size(u) = :three", true},
		{"size(emp) = :zero", true},
		{"size(b) = :five", false},
		{"size(ss) = :three", true},
		{"size(ns) = :three", true},
		{"size(bs) = :two", true},
		{"size(l) > :three", true},
		{"size(m) = :two", true},
		{"size(m.y) = :one", true},
		{"size(n) = :one", false},
		{"size(t) = :one", false},
		{"size(z) = :one", false},
		{"size(nope) = :zero", false},
		{"size(nope) <> :zero", true},
		{"size(s) = :hello", false},
		{"size(s) = n", true},
		{"size(s) BETWEEN :two AND :ten", true},
		{"size(s) IN (:one, :five)", true},
		{"m.y.q = :deep", true},
		{"l[1] = :dog", true},
		{"l[2] = :sx", true},
		{"l[9] = :dog", false},
		{"ss = :abc", true},
		{"ss = ss2", true},
		{"t = :true", true},
		{"z = :null", true},
		{"NOT s = :hello", false},
		{"NOT nope = :five", true},
		{"s = :hello AND n = :five", true},
		{"s = :hello AND n = :two", false},
		{"s = :dog OR n = :five", true},
		{"n < :two OR s = :dog AND n = :five", false},
		{"n < :ten OR s = :dog AND n = :two", true},
		{"NOT n < :ten AND s = :dog", false},
		{"NOT (n < :two AND s = :dog)", true},
		{"n BETWEEN :two AND :ten AND n < :three", false},
		{"(n < :ten OR n > :ten) AND (s = :hello AND (n < :two OR s = :hello))", true},
	}
	it := item(t, doc)
	for _, tt := range tests {
		r := &Request{Values: values(t, vals)}
		c, err := r.Condition(tt.expr)
		if err != nil {
			t.Errorf("Condition(%q): %v", tt.expr, err)
			continue
		}
		if got, _ := c.Eval(it); got != tt.want {
			t.Errorf("Eval(%q) = %v, want %v", tt.expr, got, tt.want)
		}
	}
	// A nope item: only negative conditions hold.
	r := &Request{Values: values(t, vals)}
	c, _ := r.Condition("attribute_not_exists(s) AND s <> :hello")
	if ok, _ := c.Eval(nil); !ok {
		t.Error("condition on a nope item")
	}
	var none *Condition
	if ok, _ := none.Eval(it); !ok {
		t.Error("nil condition should hold")
	}
}

func TestEvalAllocations(t *testing.T) {
	it := item(t, `{"a":{"N":"5"},"b":{"S":"hello"},"m":{"M":{"x":{"L":[{"N":"1"},{"N":"2"}]}}}}`)
	r := &Request{Values: values(t, `{":n":{"N":"3"},":p":{"S":"he"},":two":{"N":"2"}}`)}
	c, err := r.Condition("a > :n AND begins_with(b, :p) AND size(m.x) = :two AND m.x[1] = :two")
	if err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		if ok, _ := c.Eval(it); !ok {
			t.Fatal("want true")
		}
	})
	if allocs > 0 {
		t.Errorf("Eval allocates %v times per run", allocs)
	}
}

func TestConcurrentEval(t *testing.T) {
	r := &Request{Values: values(t, `{":n":{"N":"3"},":one":{"N":"1"}}`)}
	c, err := r.Condition("a > :n OR size(l) = :one")
	if err != nil {
		t.Fatal(err)
	}
	u, err := r.Update("SET a = a + :one, l = list_append(l, l)")
	if err != nil {
		t.Fatal(err)
	}
	it := item(t, `{"a":{"N":"5"},"l":{"L":[{"N":"1"}]}}`)
	done := make(chan bool)
	for range 4 {
		go func() {
			for range 100 {
				if ok, _ := c.Eval(it); !ok {
					t.Error("want true")
				}
				if _, _, err := u.Apply(it); err != nil {
					t.Error(err)
				}
			}
			done <- true
		}()
	}
	for range 4 {
		<-done
	}
}

func TestConditionAttributes(t *testing.T) {
	r := &Request{Names: map[string]string{"#s": "status"}, Values: map[string]attr.Value{":v": {S: ptrS("x")}}}
	c, err := r.Condition("#s = :v AND (size(a.b[1]) > :v OR NOT contains(tags, :v)) AND attribute_exists(#s)")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Attributes(), ","); got != "status,a,tags" {
		t.Fatalf("attributes %q", got)
	}
}

func ptrS(s string) *string { return &s }
