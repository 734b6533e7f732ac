package expr

import (
	"strings"
	"testing"
)

// TestFilterDynaliteCases runs the FilterExpression validation cases of
// dynalite's scan suite (written against DynamoDB) through Filter.
func TestFilterDynaliteCases(t *testing.T) {
	const inv = "Invalid FilterExpression: "
	syntax := []string{
		"things are not gonna be ok", "a > 4", "attribute_exists(Pictures-RearView)", `attribute_exists("Pictures.RearView")`,
		"attribute_exists(Pictures..RearView)", "attribute_exists(Pi#ctures.RearView)", "attribute_exists(asdf[a])",
		"a in b, c", "a > between", "a in b", "a in (b,c,)", "(a)between(b.(c.d))and(c)", "(a)between(b.c.d)and((c)",
		"#$.b > a", "a > :things.stuff", "b[:a] > a", "b[#_] > a", "ü > a", "(a)between(b.c[4.5].#d)and(:a)",
		"size(a).b > a", "(size(a)).b > a", "size(a)[0] > a", "(size(a))[0] > a",
	}
	for _, s := range syntax {
		_, err := (&Request{}).Filter(s)
		if !strings.HasPrefix(errText(err), inv+"Syntax error; ") {
			t.Errorf("Filter(%q) = %v, want a syntax error", s, err)
		}
	}
	tests := []struct {
		expr, names, values, want string
	}{
		{"a=a and a > ((views))", "", "", "The expression has redundant parentheses;"},
		{"(a)between(((b.c)).d)and(c)", "", "", "The expression has redundant parentheses;"},
		{"a > whatever((:things), ((a)))", "", "", "The expression has redundant parentheses;"},
		{"a=a AND ((a=a AND a=a)) AND a=a", "", "", "The expression has redundant parentheses;"},
		{"a=a OR ((a=a OR a=a)) OR a=a", "", "", "The expression has redundant parentheses;"},
		{"a=a AND ((a=a AND (a=a AND a=a)))", "", "", "The expression has redundant parentheses;"},
		{"a=a OR ((a=a OR (a=a OR a=a)))", "", "", "The expression has redundant parentheses;"},
		{"a=a and whatever((:things)) > a", "", "", "Invalid function name; function: whatever"},
		{"attRIbute_exIsts((views), #a)", "", "", "Invalid function name; function: attRIbute_exIsts"},
		{"a=a and attribute_exists((views), (#a)) > b", "", "", "The function is not allowed to be used this way in an expression; function: attribute_exists"},
		{"attribute_not_exists(things) > b", "", "", "The function is not allowed to be used this way in an expression; function: attribute_not_exists"},
		{"attribute_type(things, :a) > b", "", "", "The function is not allowed to be used this way in an expression; function: attribute_type"},
		{"begins_with(things, a) > b", "", "", "The function is not allowed to be used this way in an expression; function: begins_with"},
		{"contains(:things, c) > b", "", "", "The function is not allowed to be used this way in an expression; function: contains"},
		{"size(contains(a, b)) > a", "", "", "The function is not allowed to be used this way in an expression; function: contains"},
		{"size(things)", "", "", "The function is not allowed to be used this way in an expression; function: size"},
		{"a between b and attribute_exists(things)", "", "", "The function is not allowed to be used this way in an expression; function: attribute_exists"},
		{"a in (b, attribute_exists(things))", "", "", "The function is not allowed to be used this way in an expression; function: attribute_exists"},
		{"attribute_exists(views, #a)", "", "", "Attribute name is a reserved keyword; reserved keyword: views"},
		{":a < abOrT", "", "", "Attribute name is a reserved keyword; reserved keyword: abOrT"},
		{"attribute_exists(#Pictures.RearView, :a) and a=a", "", "", "An expression attribute name used in the document path is not defined; attribute name: #Pictures"},
		{"begins_with(Pictures.#RearView)", "", "", "An expression attribute name used in the document path is not defined; attribute name: #RearView"},
		{"(#P between :lo and :hi) and (#PC in (:cat1, :cat2))", "", "", "An expression attribute name used in the document path is not defined; attribute name: #P"},
		{"#4g > a", "", "", "An expression attribute name used in the document path is not defined; attribute name: #4g"},
		{"#_ > a", "", "", "An expression attribute name used in the document path is not defined; attribute name: #_"},
		{"(a)between(b.c[45].#d)and(:a)", "", "", "An expression attribute name used in the document path is not defined; attribute name: #d"},
		{"begins_with(:hello, #a, #b)", "", "", "An expression attribute value used in expression is not defined; attribute value: :hello"},
		{":a < :b", "", "", "An expression attribute value used in expression is not defined; attribute value: :a"},
		{":_ > a", "", "", "An expression attribute value used in expression is not defined; attribute value: :_"},
		{"attribute_exists(things, a) and a=a", "", "", "Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2"},
		{"attribute_not_exists(things, b)", "", "", "Incorrect number of operands for operator or function; operator or function: attribute_not_exists, number of operands: 2"},
		{"attribute_type(things)", "", "", "Incorrect number of operands for operator or function; operator or function: attribute_type, number of operands: 1"},
		{"begins_with(things)", "", "", "Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1"},
		{"begins_with(things, size(a), b)", "", "", "Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 3"},
		{"contains(things)", "", "", "Incorrect number of operands for operator or function; operator or function: contains, number of operands: 1"},
		{"size(things, a) > b", "", "", "Incorrect number of operands for operator or function; operator or function: size, number of operands: 2"},
		{"attribute_type(a, size(a)) and a=a and a=:a", "", `{":a":{"N":"1"}}`, "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"},
		{"attribute_type(a, :a)", "", `{":a":{"BS":["YQ=="]}}`, "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: BS"},
		{"begins_with(a, size(a)) and a=:a", "", `{":a":{"N":"1"}}`, "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
		{"begins_with(a, :a)", "", `{":a":{"M":{}}}`, "Incorrect operand type for operator or function; operator or function: begins_with, operand type: M"},
		{"begins_with(:a, a)", "", `{":a":{"NS":["1"]}}`, "Incorrect operand type for operator or function; operator or function: begins_with, operand type: NS"},
		{"size(size(a)) > :a", "", `{":a":{"N":"1"}}`, "Incorrect operand type for operator or function; operator or function: size, operand type: N"},
		{"attribute_not_exists(size(:a))", "", `{":a":{"N":"1"}}`, "Incorrect operand type for operator or function; operator or function: size, operand type: N"},
		{"size(:a) > a", "", `{":a":{"NULL":true}}`, "Incorrect operand type for operator or function; operator or function: size, operand type: NULL"},
		{"attribute_type(a, :a)", "", `{":a":{"S":"1"}}`, "Invalid attribute type name found; type: 1, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"},
		{"attribute_exists(:a) and a=a", "", `{":a":{"S":"1"}}`, "Operator or function requires a document path; operator or function: attribute_exists"},
		{"attribute_not_exists(size(:a))", "", `{":a":{"S":"1"}}`, "Operator or function requires a document path; operator or function: attribute_not_exists"},
		{"a = a AND #a = b AND :views > a", `{"#a":"a"}`, "", "The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]"},
		{"#a <> a", `{"#a":"a"}`, "", "The first operand must be distinct from the remaining operands for this operator or function; operator: <>, first operand: [a]"},
		{"a > #a", `{"#a":"a"}`, "", "The first operand must be distinct from the remaining operands for this operator or function; operator: >, first operand: [a]"},
		{"((a=a) OR (a=a))", `{"#a":"a"}`, "", "The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]"},
		{"((a=a) AND (a=a))", `{"#a":"a"}`, "", "The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]"},
		{"contains(ab.bc[1].a, ab.bc[1].#a)", `{"#a":"a"}`, "", "The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [ab, bc, [1], a]"},
		{"attribute_type(ab.bc[1].#a, ab.bc[1].a)", `{"#a":"a"}`, "", "The first operand must be distinct from the remaining operands for this operator or function; operator: attribute_type, first operand: [ab, bc, [1], a]"},
		{"begins_with(ab.bc[1].a, ab.bc[1].#a)", `{"#a":"a"}`, "", "The first operand must be distinct from the remaining operands for this operator or function; operator: begins_with, first operand: [ab, bc, [1], a]"},
	}
	for _, tt := range tests {
		r := &Request{Names: names(t, tt.names), Values: values(t, tt.values)}
		_, err := r.Filter(tt.expr)
		if got := errText(err); got != inv+tt.want {
			t.Errorf("Filter(%q)\n got %s\nwant %s", tt.expr, got, inv+tt.want)
		}
	}
}
