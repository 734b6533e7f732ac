package expr

import (
	"strings"
	"testing"
)

func TestProjectionErrors(t *testing.T) {
	const inv = "Invalid ProjectionExpression: "
	tests := []struct {
		expr, names, want string
	}{
		{"", "", inv + "The expression can not be empty;"},
		{"!!", "", inv + `Syntax error; token: "!", near: "!!"`},
		{"a,", "", inv + `Syntax error; token: "<EOF>", near: ","`},
		{"a b", "", inv + `Syntax error; token: "b", near: "a b"`},
		{"a, :v", "", inv + `Syntax error; token: ":v", near: ", :v"`},
		{"size(a)", "", inv + `Syntax error; token: "(", near: "size(a"`},
		{"(a)", "", inv + `Syntax error; token: "(", near: "(a"`},
		{"a.b-c", "", inv + `Syntax error; token: "-", near: "b-c"`},
		{"a, a", "", inv + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
		{"#a, #b", `{"#a":"a","#b":"a"}`, inv + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
		{"a, a.b", "", inv + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"},
		{"a.b, a", "", inv + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]"},
		{"a[1], a[1]", "", inv + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, [1]], path two: [a, [1]]"},
		{"a, a.b[2].c", "", inv + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b, [2], c]"},
		{"a.b, a[1]", "", inv + "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [1]]"},
		{"a.b.c, a.b[1]", "", inv + "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b, c], path two: [a, b, [1]]"},
		{"#undef", "", inv + "An expression attribute name used in the document path is not defined; attribute name: #undef"},
		{"name", "", inv + "Attribute name is a reserved keyword; reserved keyword: name"},
		{"a" + strings.Repeat(".b", 32), "", inv + "The document path has too many nesting levels; nesting levels: 33"},
	}
	for _, tt := range tests {
		r := &Request{Names: names(t, tt.names)}
		_, err := r.Projection(tt.expr)
		if got := errText(err); got != tt.want {
			t.Errorf("Projection(%q)\n got %s\nwant %s", tt.expr, got, tt.want)
		}
	}
	for _, expr := range []string{"a, b", "a.b, a.c", "a.b.d, a.b.e", "a[1], a[2]", "a.b, a.c[2]", "a" + strings.Repeat(".b", 31)} {
		if _, err := (&Request{}).Projection(expr); err != nil {
			t.Errorf("Projection(%q): %v", expr, err)
		}
	}
}

func TestProjectionApply(t *testing.T) {
	const doc = `{"p":{"S":"k"},"a":{"M":{"b":{"N":"1"},"c":{"N":"2"},"e":{"M":{}}}},"a.b":{"S":"dot"},"l":{"L":[{"S":"l0"},{"S":"l1"},{"M":{"x":{"N":"1"},"y":{"N":"2"}}}]},` +
		`"s":{"S":"str"},"ll":{"L":[{"L":[{"N":"1"},{"N":"2"}]},{"L":[{"N":"3"}]}]}}`
	tests := []struct {
		expr, names, want string
	}{
		{"p", "", `{"p":{"S":"k"}}`},
		{"p, s, nope", "", `{"p":{"S":"k"},"s":{"S":"str"}}`},
		{"a.b", "", `{"a":{"M":{"b":{"N":"1"}}}}`},
		{"#n", `{"#n":"a.b"}`, `{"a.b":{"S":"dot"}}`},
		{"a.b, a.c", "", `{"a":{"M":{"b":{"N":"1"},"c":{"N":"2"}}}}`},
		{"a.e", "", `{"a":{"M":{"e":{"M":{}}}}}`},
		{"a.z", "", `{}`},
		{"a.b.c", "", `{}`},
		{"s.x", "", `{}`},
		{"s[0]", "", `{}`},
		{"l[2], l[0]", "", `{"l":{"L":[{"S":"l0"},{"M":{"x":{"N":"1"},"y":{"N":"2"}}}]}}`},
		{"l[1], l[9]", "", `{"l":{"L":[{"S":"l1"}]}}`},
		{"l[9]", "", `{}`},
		{"l[2].y", "", `{"l":{"L":[{"M":{"y":{"N":"2"}}}]}}`},
		{"l[0].y, l[2].y", "", `{"l":{"L":[{"M":{"y":{"N":"2"}}}]}}`},
		{"ll[1][0], ll[0][1]", "", `{"ll":{"L":[{"L":[{"N":"2"}]},{"L":[{"N":"3"}]}]}}`},
		{"a.b, l[1], p", "", `{"a":{"M":{"b":{"N":"1"}}},"l":{"L":[{"S":"l1"}]},"p":{"S":"k"}}`},
	}
	it := item(t, doc)
	for _, tt := range tests {
		r := &Request{Names: names(t, tt.names)}
		p, err := r.Projection(tt.expr)
		if err != nil {
			t.Errorf("Projection(%q): %v", tt.expr, err)
			continue
		}
		if got := toJSON(t, p.Apply(it)); got != tt.want {
			t.Errorf("Projection(%q)\n got %s\nwant %s", tt.expr, got, tt.want)
		}
	}
	r := &Request{}
	p, _ := r.Projection("a.b, l[0], p")
	if got := strings.Join(p.Attributes(), ","); got != "a,l,p" {
		t.Errorf("Attributes = %s", got)
	}
	if p.Apply(nil) != nil {
		t.Error("Apply(nil) should be nil")
	}
}

func TestAttributesToGet(t *testing.T) {
	p, err := AttributesToGet([]string{"a.b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	it := item(t, `{"a.b":{"N":"1"},"a":{"M":{"b":{"N":"2"}}},"c":{"S":"x"}}`)
	if got := toJSON(t, p.Apply(it)); got != `{"a.b":{"N":"1"},"c":{"S":"x"}}` {
		t.Errorf("AttributesToGet: %s", got)
	}
	if _, err := AttributesToGet([]string{"a", "a"}); errText(err) != "One or more parameter values were invalid: Duplicate value in attribute name: a" {
		t.Errorf("duplicate: %v", err)
	}
}
