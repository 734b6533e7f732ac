package expr

import (
	"strings"
	"testing"
)

const updValues = `{":v":{"S":"v"},":s":{"S":"a"},":n":{"N":"1"},":n2":{"N":"2"},":l":{"L":[{"N":"1"}]},":m":{"M":{"a":{"L":[{"N":"1"}]}}},` +
	`":ss":{"SS":["a"]},":ns":{"NS":["1"]},":bs":{"BS":["YQ=="]},":b":{"B":"YQ=="},":null":{"NULL":true},":bool":{"BOOL":false}}`

func TestUpdateErrors(t *testing.T) {
	const inv = "Invalid UpdateExpression: "
	tests := []struct {
		expr, names, want string
	}{
		{"", "", inv + "The expression can not be empty;"},
		{"INVALID SYNTAX HERE", "", inv + `Syntax error; token: "INVALID", near: "INVALID SYNTAX"`},
		{"whatever", "", inv + `Syntax error; token: "whatever", near: "whatever"`},
		{"HELLO b = :v", "", inv + `Syntax error; token: "HELLO", near: "HELLO b"`},
		{"set a", "", inv + `Syntax error; token: "<EOF>", near: "a"`},
		{"SET path = VALUE 1", "", inv + `Syntax error; token: "1", near: "VALUE 1"`},
		{"SET _123 = :v", "", inv + `Syntax error; token: "_", near: "SET _123"`},
		{"ADD hits : incr", "", inv + `Syntax error; token: ":", near: "hits : incr"`},
		{"SET a = :v, #, b = :v", "", inv + `Syntax error; token: "#", near: ", #,"`},
		{"SET a = :v,", "", inv + `Syntax error; token: "<EOF>", near: ","`},
		{"SET a = b + c + d", "", inv + `Syntax error; token: "+", near: "c + d"`},
		{"set a = b / c", "", inv + `Syntax error; token: "/", near: "b / c"`},
		{"SET a[:x] = :v", "", inv + `Syntax error; token: ":x", near: "[:x]"`},
		{"SET :a = :v", "", inv + `Syntax error; token: ":a", near: "SET :a ="`},
		{"set (a = (b + c))", "", inv + `Syntax error; token: "(", near: "set (a"`},
		{"set a = (b.c).d + e", "", inv + `Syntax error; token: ".", near: ").d"`},
		{"SET c = if_not_exists(c, :v+:n)", "", inv + `Syntax error; token: "+", near: ":v+:n"`},
		{"remove a = b", "", inv + `Syntax error; token: "=", near: "a = b"`},
		{"add a = b", "", inv + `Syntax error; token: "=", near: "a = b"`},
		{"delete a b", "", inv + `Syntax error; token: "b", near: "a b"`},
		{"SET a = ((:v))", "", inv + "The expression has redundant parentheses;"},
		{"SET a = ((:n + :n))", "", inv + "The expression has redundant parentheses;"},
		{"SET a = f(b,c,d)", "", inv + "Invalid function name; function: f"},
		{"SET a = LIST_APPEND(:l, :l)", "", inv + "Invalid function name; function: LIST_APPEND"},
		{"SET a = size(b)", "", inv + "The function is not allowed in an update expression; function: size"},
		{"SET a = attribute_exists(b)", "", inv + "The function is not allowed in an update expression; function: attribute_exists"},
		{"SET a = list_append(list_append(:l, :l), :l)", "", inv + "The function is not allowed to be used this way in an expression; function: list_append"},
		{"SET a = list_append(:l)", "", inv + "Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1"},
		{"set a = if_not_exists(c)", "", inv + "Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1"},
		{"SET a = if_not_exists(:v, :v)", "", inv + "Operator or function requires a document path; operator or function: if_not_exists"},
		{"set a = if_not_exists(if_not_exists(a, b), c)", "", inv + "Operator or function requires a document path; operator or function: if_not_exists"},
		{"set a = :s + :n", "", inv + "Incorrect operand type for operator or function; operator or function: +, operand type: S"},
		{"set a = a - :l", "", inv + "Incorrect operand type for operator or function; operator or function: -, operand type: L"},
		{"set a = list_append(:s, a)", "", inv + "Incorrect operand type for operator or function; operator or function: list_append, operand type: S"},
		{"set a = list_append(a, :n)", "", inv + "Incorrect operand type for operator or function; operator or function: list_append, operand type: N"},
		{"SET a = :v SET b = :v", "", inv + `The "SET" section can only be used once in an update expression;`},
		{"remove #d set a = b remove e", "", inv + `The "REMOVE" section can only be used once in an update expression;`},
		{"add #d :e set a = b add e :f", "", inv + `The "ADD" section can only be used once in an update expression;`},
		{"delete #d :e set a = b delete #e :f", "", inv + `The "DELETE" section can only be used once in an update expression;`},
		{"set #c = :c set abOrt = true", "", inv + "Attribute name is a reserved keyword; reserved keyword: abOrt"},
		{"remove Absolute", "", inv + "Attribute name is a reserved keyword; reserved keyword: Absolute"},
		{"set #c = if_not_exist(:c) set c = d", "", inv + "Invalid function name; function: if_not_exist"},
		{"SET a = :v REMOVE a", "", inv + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
		{"SET a = :v, a.b = :v", "", inv + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"},
		{"SET a.b = :v, a = :v", "", inv + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]"},
		{"SET #a1 = :v, #a2 = :v", `{"#a1":"a","#a2":"a"}`, inv + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
		{"set #c[3].#d = a, #c[3] = a", `{"#c":"c","#d":"[3]"}`, inv + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [c, [3], [3]], path two: [c, [3]]"},
		{"set d[1] = a, d.b = a, c[1].a = a, #c = if_not_exists(a)", `{"#c":"c"}`, inv + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [c, [1], a], path two: [c]"},
		{"remove a.#c set a[1] = #d", `{"#c":"c","#d":"[3]"}`, inv + "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, c], path two: [a, [1]]"},
		{"set #c[3].#d = a, #c.#d[3] = if_not_exists(a)", `{"#c":"c","#d":"[3]"}`, inv + "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [c, [3], [3]], path two: [c, [3], [3]]"},
		{"SET a.b.c = :v, a.b[2] = :v", "", inv + "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b, c], path two: [a, b, [2]]"},
		{"add a.b :s", "", inv + "Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND"},
		{"add a :m", "", inv + "Incorrect operand type for operator or function; operator: ADD, operand type: MAP, typeSet: ALLOWED_FOR_ADD_OPERAND"},
		{"add a :l", "", inv + "Incorrect operand type for operator or function; operator: ADD, operand type: LIST, typeSet: ALLOWED_FOR_ADD_OPERAND"},
		{"add a :bool", "", inv + "Incorrect operand type for operator or function; operator: ADD, operand type: BOOLEAN, typeSet: ALLOWED_FOR_ADD_OPERAND"},
		{"add a :b", "", inv + "Incorrect operand type for operator or function; operator: ADD, operand type: BINARY, typeSet: ALLOWED_FOR_ADD_OPERAND"},
		{"delete a.b :n", "", inv + "Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND"},
		{"delete a.b :null", "", inv + "Incorrect operand type for operator or function; operator: DELETE, operand type: NULL, typeSet: ALLOWED_FOR_DELETE_OPERAND"},
		{"SET #name = :v", "", inv + "An expression attribute name used in the document path is not defined; attribute name: #name"},
		{"SET a = :val1", "", inv + "An expression attribute value used in expression is not defined; attribute value: :val1"},
		{"SET #a = if_not_exists(:c)", `{"#a":"a"}`, inv + "An expression attribute value used in expression is not defined; attribute value: :c"},
		{"SET a = :v, b = :x", "", inv + "An expression attribute value used in expression is not defined; attribute value: :x"},
		{"SET a[99999999999] = :v", "", inv + "List index is not within the allowable range;"},
	}
	for _, tt := range tests {
		r := &Request{Names: names(t, tt.names), Values: values(t, updValues)}
		_, err := r.Update(tt.expr)
		if got := errText(err); got != tt.want {
			t.Errorf("Update(%q)\n got %s\nwant %s", tt.expr, got, tt.want)
		}
	}
}

func TestUpdateValid(t *testing.T) {
	for _, expr := range []string{
		"SET a = :v",
		"set a = :v",
		"sEt a = :v",
		"  set   b=:v  ",
		"SET a = :v, b = :v",
		"REMOVE a SET b = :v",
		"SET c = :v REMOVE b",
		"SET a = (:v)",
		"SET a = (:n + :n)",
		"SET a = (:n) + (:n)",
		"SET a = if_not_exists(a, :n) + :n",
		"SET a = list_append(if_not_exists(a, :l), :l)",
		"SET a = if_not_exists(b, if_not_exists(c, :n))",
		"SET a.b = :v, a.c.d = :v, b.x = :v REMOVE a.x, b.y",
		"ADD a :n, b :ss DELETE c :ns",
		"SET a[1] = :v, a[2] = :v",
		"REMOVE a[1] SET a[3] = :v",
		"SET #a = :v",
		"SET a.#a = :v",
	} {
		r := &Request{Names: names(t, `{"#a":"x"}`), Values: values(t, updValues)}
		if _, err := r.Update(expr); err != nil {
			t.Errorf("Update(%q): %v", expr, err)
		}
	}
}

func TestUpdateApply(t *testing.T) {
	const vals = `{":v":{"S":"v"},":hello":{"S":"hello"},":one":{"N":"1"},":four":{"N":"4"},":seven":{"N":"7"},":l":{"L":[{"N":"4"},{"S":"hello"}]},` +
		`":pig":{"SS":["pig"]},":catmouse":{"SS":["cat","mouse"]},":dog":{"SS":["dog"]},":ns":{"NS":["2.0","3"]},":bs":{"BS":["Yg=="]},` +
		`":m":{"M":{"x":{"N":"1"}}},":empty":{"L":[]},":a1":{"S":"a1"},":a2":{"S":"a2"},":a3":{"S":"a3"},":a4":{"S":"a4"},":big":{"N":"9.9999999999999999999999999999999999999E+125"}}`
	tests := []struct {
		item, expr, names, want, changed string
	}{
		{`{"p":{"S":"k"}}`, "SET b = :four", "", `{"b":{"N":"4"},"p":{"S":"k"}}`, "b"},
		{`{"p":{"S":"k"},"a":{"S":"hi"}}`, "SET a = :hello", "", `{"a":{"S":"hello"},"p":{"S":"k"}}`, "a"},
		{`{"a":{"S":"hello"}}`, "SET b = a", "", `{"a":{"S":"hello"},"b":{"S":"hello"}}`, "b"},
		{`{"a":{"S":"hello"}}`, "SET a = a", "", `{"a":{"S":"hello"}}`, "a"},
		{`{"a":{"S":"hello"}}`, "SET c = z", "", msgMissingAttr, ""},
		{`{"a":{"S":"hello"}}`, "SET x = :one, y = x", "", msgMissingAttr, ""},
		{`{"a":{"S":"hello"}}`, "REMOVE a SET b = a", "", `{"b":{"S":"hello"}}`, "a,b"},
		{`{"b":{"S":"hello"}}`, "SET c = b REMOVE b", "", `{"c":{"S":"hello"}}`, "c,b"},
		{`{"a":{"N":"2"}}`, "SET a = a + :four", "", `{"a":{"N":"6"}}`, "a"},
		{`{"a":{"N":"2"}}`, "SET b = :seven - a", "", `{"a":{"N":"2"},"b":{"N":"5"}}`, "b"},
		{`{"a":{"N":"2"}}`, "SET a = a + a", "", `{"a":{"N":"4"}}`, "a"},
		{`{"a":{"S":"x"}}`, "SET a = a + :one", "", msgBadDataType, ""},
		{`{}`, "SET a = a + :one", "", msgMissingAttr, ""},
		{`{"a":{"N":"9.9999999999999999999999999999999999999E+125"}}`, "SET a = a + :big", "", "Number overflow. Attempting to store a number with magnitude larger than supported range", ""},
		{`{"a":{"L":[{"S":"hi"},{"N":"2"}]}}`, "SET a = list_append(a, :l)", "", `{"a":{"L":[{"S":"hi"},{"N":"2"},{"N":"4"},{"S":"hello"}]}}`, "a"},
		{`{"a":{"L":[{"S":"hi"}]}}`, "SET a = list_append(:l, a)", "", `{"a":{"L":[{"N":"4"},{"S":"hello"},{"S":"hi"}]}}`, "a"},
		{`{"a":{"L":[{"S":"hi"}]}}`, "SET c = list_append(a, a)", "", `{"a":{"L":[{"S":"hi"}]},"c":{"L":[{"S":"hi"},{"S":"hi"}]}}`, "c"},
		{`{}`, "SET a = list_append(b, :l)", "", msgMissingAttr, ""},
		{`{"b":{"N":"7"}}`, "SET a = list_append(b, :l)", "", msgBadDataType, ""},
		{`{}`, "SET a = list_append(if_not_exists(a, :empty), :l)", "", `{"a":{"L":[{"N":"4"},{"S":"hello"}]}}`, "a"},
		{`{}`, "SET a = if_not_exists(a, :four)", "", `{"a":{"N":"4"}}`, "a"},
		{`{"a":{"N":"2"}}`, "SET a = if_not_exists(a, :four)", "", `{"a":{"N":"2"}}`, "a"},
		{`{"a":{"N":"2"}}`, "SET b = if_not_exists(a, :four)", "", `{"a":{"N":"2"},"b":{"N":"2"}}`, "b"},
		{`{}`, "SET b = if_not_exists(a, c)", "", msgMissingAttr, ""},
		{`{}`, "SET b = if_not_exists(b, :one) + :four", "", `{"b":{"N":"5"}}`, "b"},
		{`{"a":{"N":"3"}}`, "ADD a :four", "", `{"a":{"N":"7"}}`, "a"},
		{`{}`, "ADD b :seven", "", `{"b":{"N":"7"}}`, "b"},
		{`{"b":{"S":"hi"}}`, "ADD b :one", "", msgBadDataType, ""},
		{`{"a":{"SS":["dog","cat"]}}`, "ADD a :pig", "", `{"a":{"SS":["dog","cat","pig"]}}`, "a"},
		{`{"a":{"SS":["dog","cat"]}}`, "ADD a :catmouse", "", `{"a":{"SS":["dog","cat","mouse"]}}`, "a"},
		{`{}`, "ADD b :dog", "", `{"b":{"SS":["dog"]}}`, "b"},
		{`{"a":{"NS":["1","2"]}}`, "ADD a :ns", "", `{"a":{"NS":["1","2","3"]}}`, "a"},
		{`{"a":{"NS":["1","2"]}}`, "ADD a :dog", "", msgBadDataType, ""},
		{`{"a":{"L":[{"N":"1"}]}}`, "ADD a :dog", "", msgBadDataType, ""},
		{`{"a":{"BS":["YQ=="]}}`, "ADD a :bs", "", `{"a":{"BS":["YQ==","Yg=="]}}`, "a"},
		{`{"a":{"SS":["dog","cat","mouse"]},"b":{"S":"hi"}}`, "DELETE a :catmouse", "", `{"a":{"SS":["dog"]},"b":{"S":"hi"}}`, "a"},
		{`{"a":{"SS":["dog"]}}`, "DELETE a :pig", "", `{"a":{"SS":["dog"]}}`, "a"},
		{`{"a":{"SS":["dog"]},"b":{"S":"hi"}}`, "DELETE a :dog", "", `{"b":{"S":"hi"}}`, "a"},
		{`{"b":{"S":"hi"}}`, "DELETE a :dog", "", `{"b":{"S":"hi"}}`, "a"},
		{`{"a":{"NS":["1","2","3"]}}`, "DELETE a :ns", "", `{"a":{"NS":["1"]}}`, "a"},
		{`{"a":{"NS":["1"]}}`, "DELETE a :dog", "", msgBadDataType, ""},
		{`{"a":{"M":{"s":{"SS":["dog"]},"k":{"N":"1"}}}}`, "DELETE a.s :dog", "", `{"a":{"M":{"k":{"N":"1"}}}}`, "a"},
		// Nested paths.
		{`{"a":{"M":{"b":{"N":"3"},"c":{"N":"4"}}},"d":{"N":"5"}}`, "SET a.c = :seven", "", `{"a":{"M":{"b":{"N":"3"},"c":{"N":"7"}}},"d":{"N":"5"}}`, "a"},
		{`{"a":{"M":{"b":{"N":"3"}}}}`, "SET a.d = :seven", "", `{"a":{"M":{"b":{"N":"3"},"d":{"N":"7"}}}}`, "a"},
		{`{"a":{"M":{"x":{"N":"3"},"y":{"N":"4"},"c":{"M":{"y":{"N":"3"}}}}},"b":{"M":{"x":{"N":"1"},"y":{"N":"2"}}}}`,
			"SET a.b = :one, a.c.d = :hello, b.x = :seven REMOVE a.x, b.y", "",
			`{"a":{"M":{"b":{"N":"1"},"c":{"M":{"d":{"S":"hello"},"y":{"N":"3"}}},"y":{"N":"4"}}},"b":{"M":{"x":{"N":"7"}}}}`, "a,b"},
		{`{"a":{"M":{"b":{"N":"3"},"c":{"M":{"x":{"N":"7"},"y":{"N":"8"}}}}}}`, "SET z = a.c.x", "", `{"a":{"M":{"b":{"N":"3"},"c":{"M":{"x":{"N":"7"},"y":{"N":"8"}}}}},"z":{"N":"7"}}`, "z"},
		{`{"a":{"L":[{"S":"one"},{"S":"two"},{"S":"three"}]}}`, "SET a[1] = :hello", "", `{"a":{"L":[{"S":"one"},{"S":"hello"},{"S":"three"}]}}`, "a"},
		{`{"a":{"M":{"c":{"L":[{"S":"hi"},{"M":{"x":{"M":{"y":{"L":[{"N":"3"},{"N":"5"},{"N":"7"}]}}}}}]}}}}`, "SET a.c[1].#name.y[1] = :seven", `{"#name":"x"}`,
			`{"a":{"M":{"c":{"L":[{"S":"hi"},{"M":{"x":{"M":{"y":{"L":[{"N":"3"},{"N":"7"},{"N":"7"}]}}}}}]}}}}`, "a"},
		{`{"a":{"M":{"b":{"N":"3"},"c":{"L":[{"S":"hi"},{"M":{"x":{"M":{"y":{"L":[{"N":"3"},{"N":"5"},{"N":"7"}]}}},"q":{"N":"2"}}}]}}}}`, "REMOVE a.c[1].x.y[1], a.c[1].q", "",
			`{"a":{"M":{"b":{"N":"3"},"c":{"L":[{"S":"hi"},{"M":{"x":{"M":{"y":{"L":[{"N":"3"},{"N":"7"}]}}}}}]}}}}`, "a"},
		{`{"a":{"L":[{"N":"4"},{"N":"5"},{"N":"6"}]}}`, "REMOVE a[17]", "", `{"a":{"L":[{"N":"4"},{"N":"5"},{"N":"6"}]}}`, "a"},
		{`{"a":{"L":[{"N":"2"},{"N":"3"},{"N":"4"},{"N":"5"},{"N":"6"},{"N":"7"}]}}`, "REMOVE a[1] SET a[3] = :seven", "",
			`{"a":{"L":[{"N":"2"},{"N":"4"},{"N":"7"},{"N":"6"},{"N":"7"}]}}`, "a"},
		{`{"a":{"L":[{"N":"2"},{"N":"3"},{"N":"4"},{"N":"5"},{"N":"6"},{"N":"7"}]}}`, "SET a[3] = :seven REMOVE a[1]", "",
			`{"a":{"L":[{"N":"2"},{"N":"4"},{"N":"7"},{"N":"6"},{"N":"7"}]}}`, "a"},
		{`{"a":{"L":[{"N":"1"},{"N":"2"},{"N":"3"},{"N":"4"}]}}`, "REMOVE a[3], a[0], a[2]", "", `{"a":{"L":[{"N":"2"}]}}`, "a"},
		{`{"a":{"L":[{"N":"1"},{"N":"2"}]}}`, "SET a[5] = :seven REMOVE a[2]", "", `{"a":{"L":[{"N":"1"},{"N":"2"},{"N":"7"}]}}`, "a"},
		{`{"a":{"L":[{"N":"1"},{"N":"2"},{"N":"3"}]}}`, "SET a[5] = :seven REMOVE a[0]", "", `{"a":{"L":[{"N":"2"},{"N":"3"},{"N":"7"}]}}`, "a"},
		{`{"a":{"L":[{"M":{"s":{"SS":["dog"]}}},{"N":"2"}]}}`, "DELETE a[0].s :dog REMOVE a[1]", "", `{"a":{"L":[{"M":{}}]}}`, "a"},
		{`{"a":{"L":[{"SS":["dog"]},{"N":"2"}]}}`, "DELETE a[0] :dog", "", `{"a":{"L":[{"N":"2"}]}}`, "a"},
		{`{"a":{"M":{"b":{"N":"1"}}}}`, "REMOVE a.b", "", `{"a":{"M":{}}}`, "a"},
		{`{"a":{"L":[{"N":"1"}]}}`, "REMOVE a[0]", "", `{"a":{"L":[]}}`, "a"},
		{`{"a":{"L":[{"S":"one"},{"S":"two"},{"S":"three"}]}}`, "SET a[7] = :hello", "", `{"a":{"L":[{"S":"one"},{"S":"two"},{"S":"three"},{"S":"hello"}]}}`, "a"},
		{`{"a":{"L":[{"S":"one"}]}}`, "SET a[84] = :a1, a[37] = :a2, a[17] = :a3, a[50] = :a4", "",
			`{"a":{"L":[{"S":"one"},{"S":"a3"},{"S":"a2"},{"S":"a4"},{"S":"a1"}]}}`, "a"},
		{`{"a":{"L":[]}}`, "SET a[0] = :hello", "", `{"a":{"L":[{"S":"hello"}]}}`, "a"},
		{`{"a":{"M":{"counter":{"N":"10"}}}}`, "SET #m.#c = #m.#c + :four", `{"#m":"a","#c":"counter"}`, `{"a":{"M":{"counter":{"N":"14"}}}}`, "a"},
		{`{"a":{"M":{"x":{"N":"3"}}},"b":{"L":[{"S":"hi"}]}}`, "REMOVE a.y, b[7], c", "", `{"a":{"M":{"x":{"N":"3"}}},"b":{"L":[{"S":"hi"}]}}`, "a,b,c"},
		{`{"p":{"S":"k"}}`, "SET #a = :one", `{"#a":"a.b"}`, `{"a.b":{"N":"1"},"p":{"S":"k"}}`, "a.b"},
		// Invalid document paths.
		{`{"a":{"S":"hello"},"b":{"L":[{"S":"hi"}]}}`, "SET a.c = :one", "", msgInvalidPath, ""},
		{`{"a":{"S":"hello"},"b":{"L":[{"S":"hi"}]}}`, "SET b.c = :one", "", msgInvalidPath, ""},
		{`{"a":{"S":"hello"}}`, "SET c.c = :one", "", msgInvalidPath, ""},
		{`{"a":{"S":"hello"}}`, "REMOVE a.c", "", msgInvalidPath, ""},
		{`{"a":{"S":"hello"}}`, "REMOVE c.c", "", msgInvalidPath, ""},
		{`{"a":{"S":"hello"}}`, "SET a[0] = :one", "", msgInvalidPath, ""},
		{`{"a":{"S":"hello"}}`, "REMOVE b[0]", "", msgInvalidPath, ""},
		{`{"c":{"M":{"1":{"S":"a"}}},"d":{"L":[{"S":"a"},{"S":"b"}]}}`, "REMOVE c[1]", "", msgInvalidPath, ""},
		{`{"c":{"M":{"1":{"S":"a"}}},"d":{"L":[{"S":"a"},{"S":"b"}]}}`, "SET d.#1 = :hello", `{"#1":"1"}`, msgInvalidPath, ""},
		{`{"c":{"M":{"1":{"S":"a"}}},"d":{"L":[{"S":"a"},{"S":"b"}]}}`, "DELETE y.a :dog", "", msgInvalidPath, ""},
		{`{"c":{"M":{"1":{"S":"a"}}},"d":{"L":[{"S":"a"},{"S":"b"}]}}`, "ADD c[1] :dog", "", msgInvalidPath, ""},
		{`{"a":{"L":[{"S":"a"}]}}`, "SET a[5].b = :one", "", msgInvalidPath, ""},
		{`{}`, "SET a.b.c = :one", "", msgInvalidPath, ""},
	}
	for _, tt := range tests {
		r := &Request{Names: names(t, tt.names), Values: values(t, vals)}
		u, err := r.Update(tt.expr)
		if err != nil {
			t.Errorf("Update(%q): %v", tt.expr, err)
			continue
		}
		in := item(t, tt.item)
		before := toJSON(t, in)
		out, changed, err := u.Apply(in)
		got := errText(err)
		if err == nil {
			got = toJSON(t, out)
		}
		if got != tt.want {
			t.Errorf("%s on %s\n got %s\nwant %s", tt.expr, tt.item, got, tt.want)
		}
		if err == nil && strings.Join(changed, ",") != tt.changed {
			t.Errorf("%s: changed %v, want %s", tt.expr, changed, tt.changed)
		}
		if toJSON(t, in) != before {
			t.Errorf("%s modified its input", tt.expr)
		}
	}
}

func TestUpdateMissingItem(t *testing.T) {
	r := &Request{Values: values(t, `{":v":{"N":"1"}}`)}
	u, err := r.Update("REMOVE x.y, w[0], z")
	if err != nil {
		t.Fatal(err)
	}
	if out, _, err := u.Apply(nil); err != nil || len(out) != 0 {
		t.Errorf("REMOVE on a missing item: %v %v", out, err)
	}
	key := item(t, `{"p":{"S":"k"}}`)
	if out, _, err := u.ApplyNew(key); err != nil || toJSON(t, out) != `{"p":{"S":"k"}}` {
		t.Errorf("ApplyNew: %v %v", toJSON(t, out), err)
	}
	u, _ = r.Update("SET c.c = :v")
	if _, _, err := u.Apply(nil); errText(err) != msgInvalidPath {
		t.Errorf("SET nested on a missing item: %v", err)
	}
	u, _ = r.Update("SET n = p")
	if out, _, err := u.ApplyNew(key); err != nil || toJSON(t, out) != `{"n":{"S":"k"},"p":{"S":"k"}}` {
		t.Errorf("SET from the key on a new item: %v %v", toJSON(t, out), err)
	}
}

func TestUpdatePathsAndAttributes(t *testing.T) {
	r := &Request{Names: names(t, `{"#c":"c"}`), Values: values(t, `{":v":{"N":"1"},":s":{"SS":["a"]}}`)}
	u, err := r.Update("SET a.b[1] = :v, #c = :v REMOVE a.x ADD d :v DELETE e :s")
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, p := range u.Paths() {
		paths = append(paths, p.String())
	}
	if got := strings.Join(paths, " "); got != "a.b[1] c a.x d e" {
		t.Errorf("Paths = %s", got)
	}
	if got := strings.Join(u.Attributes(), ","); got != "a,c,d,e" {
		t.Errorf("Attributes = %s", got)
	}
}

// TestUpdateReturnedPaths follows DynamoDB's ReturnValues UPDATED_OLD and
// UPDATED_NEW for nested paths (ScyllaDB's test_returnvalues.py, which was
// checked against DynamoDB).
func TestUpdateReturnedPaths(t *testing.T) {
	vals := `{":val":{"S":"cat"},":val2":{"S":"hello"},":yo":{"S":"yo"},":seven":{"N":"7"},":seventy":{"N":"70"}}`
	tests := []struct {
		item, expr, old, new string
	}{
		{`{"p":{"S":"k"},"a":{"S":"hi"},"b":{"S":"dog"}}`, "SET b = :val, c = :val2", `{"b":{"S":"dog"}}`, `{"b":{"S":"cat"},"c":{"S":"hello"}}`},
		{`{"p":{"S":"k"},"b":{"S":"cat"}}`, "REMOVE b", `{"b":{"S":"cat"}}`, `{}`},
		{`{"p":{"S":"k"},"a":{"M":{"b":{"S":"hi"},"c":{"L":[{"N":"1"},{"N":"2"},{"N":"3"}]}}}}`, "SET a.b = :yo", `{"a":{"M":{"b":{"S":"hi"}}}}`, `{"a":{"M":{"b":{"S":"yo"}}}}`},
		{`{"p":{"S":"k"},"a":{"M":{"b":{"S":"hi"},"c":{"L":[{"N":"1"},{"N":"2"},{"N":"3"}]}}}}`, "SET a.c[1] = :seven", `{"a":{"M":{"c":{"L":[{"N":"2"}]}}}}`, `{"a":{"M":{"c":{"L":[{"N":"7"}]}}}}`},
		{`{"p":{"S":"k"},"a":{"M":{"c":{"L":[{"N":"1"},{"N":"3"},{"N":"3"}]}}}}`, "REMOVE a.c[1], a.c[3]", `{"a":{"M":{"c":{"L":[{"N":"3"}]}}}}`, `{"a":{"M":{"c":{"L":[{"N":"3"}]}}}}`},
		{`{"p":{"S":"k"},"a":{"M":{"c":{"L":[{"N":"1"}]}}}}`, "SET a.x1 = :seven", `{}`, `{"a":{"M":{"x1":{"N":"7"}}}}`},
		{`{"p":{"S":"k"},"a":{"M":{"c":{"L":[{"N":"1"}]}}}}`, "SET a.c[100] = :seventy", `{}`, `{}`},
		{`{"p":{"S":"k"},"a":{"M":{"c":{"L":[{"N":"1"},{"N":"3"},{"N":"70"}]}}}}`, "REMOVE a.c[1]", `{"a":{"M":{"c":{"L":[{"N":"3"}]}}}}`, `{"a":{"M":{"c":{"L":[{"N":"70"}]}}}}`},
	}
	for _, tt := range tests {
		r := &Request{Values: values(t, vals)}
		u, err := r.Update(tt.expr)
		if err != nil {
			t.Fatalf("Update(%q): %v", tt.expr, err)
		}
		old := item(t, tt.item)
		out, _, err := u.Apply(old)
		if err != nil {
			t.Fatalf("%s: %v", tt.expr, err)
		}
		p := u.Projection()
		if got := toJSON(t, p.Apply(old)); got != tt.old {
			t.Errorf("%s: UPDATED_OLD %s, want %s", tt.expr, got, tt.old)
		}
		if got := toJSON(t, p.Apply(out)); got != tt.new {
			t.Errorf("%s: UPDATED_NEW %s, want %s", tt.expr, got, tt.new)
		}
	}
}

// TestUpdateSyntaxDynalite runs the UpdateExpression syntax cases of
// dynalite's suite (written against DynamoDB).
func TestUpdateSyntaxDynalite(t *testing.T) {
	for _, s := range []string{
		"whatever", "set a", "add a", "delete a", "set a=set", "remove a = b", "add a = b", "delete a = b", "delete a b",
		"delete a if_not_exist(b)", "add abort b", "add a if_not_exist(b)", "remove a b", "set a b", "set :a = b", "add :a b",
		"delete :a b", "remove :a", "set a = b / c", "set a = b * c", `set a[1] = "eight"`, "set a[1] = 1",
		"SET a = if_not_exist(a, 100)", "SET if_not_exist(a, b) = a", "set (a = (b + c))", "set a = (b.c).d + e",
		"set a = (b.c)[0] + e", "set a = b + c + d",
	} {
		_, err := (&Request{}).Update(s)
		if !strings.HasPrefix(errText(err), "Invalid UpdateExpression: Syntax error; ") {
			t.Errorf("Update(%q) = %v, want a syntax error", s, err)
		}
	}
}
