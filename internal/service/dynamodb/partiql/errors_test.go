package partiql

import (
	"strings"
	"testing"
)

const (
	leftover  = MsgNotWellFormed + "Unexpected token after expression"
	overflow  = "Number overflow. Attempting to store a number with magnitude larger than supported range"
	underflow = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
	digits    = "Attempting to store more than 38 significant digits in a Number"
)

// TestPinnedErrors holds messages recorded against DynamoDB (a public
// conformance suite's tests/tier3/error-messages/partiqlGrammar.test.ts,
// "pinned against real AWS"), plus the statement DynamoDB Local and two
// other suites record for a misspelt keyword.
func TestPinnedErrors(t *testing.T) {
	tests := []struct{ stmt, want string }{
		{`SELECT * FROM "Nums" WHERE pk = 1 foo`, leftover},
		{`SELECT * FROM "Nums" WHERE pk = 1 e5`, leftover},
		{`INSERT INTO "Nums" VALUE {'pk': 970001} foo`, leftover},
		{`UPDATE "Nums" SET a = 9 WHERE pk = 970002 foo`, leftover},
		{`DELETE FROM "Nums" WHERE pk = 970003 foo`, leftover},
		{`SELECT * FROM "Nums" WHERE pk = 1)`, leftover},
		{`DELETE FROM "Nums" WHERE pk = 970004 ORDER BY pk`, leftover},
		{`SELECT * FROM "Nums" ORDER BY pk WHERE pk = 1`, leftover},
		{`SELECT * FROM "Nums" WHERE pk = 1e2147483648`, MsgNotWellFormed},
		{`SELECT * FROM "Nums" WHERE pk = 1e99999999999`, MsgNotWellFormed},
		{`SELECT * FROM "Nums" WHERE pk = 1.5e-2147483647`, MsgNotWellFormed},
		{`SELECT * FROM "Nums" WHERE pk = 1 # note`, MsgNotWellFormed},
		{`SELECT * FROM "Nums" WHERE pk = 1 /* note`, MsgNotWellFormed},
		{`SELECT * FROM "Strs" t WHERE pk = 'x'`, MsgAliasing},
		{`SELECT * FROM "Strs" AS t WHERE pk = 'x'`, MsgAliasing},
		{`UPDATE "Strs" t SET a = 3 WHERE pk = 'x'`, MsgAliasing},
		{`DELETE FROM "Strs" t WHERE pk = 'x'`, MsgAliasing},
		{`INSERT INTO "Strs" t VALUE {'pk': 'x'}`, leftover},
		{`SELECT * FROM "Nums" WHERE pk = 1e126`, overflow + " under root"},
		{`SELECT * FROM "Nums" WHERE pk = 1e-131`, underflow + " under root"},
		{`SELECT * FROM "Nums" WHERE pk = 123456789012345678901234567890123456789`, digits + " under root"},
		{`INSERT INTO "Nums" VALUE {'pk': 1e126}`, overflow + " under root"},
		{`UPDATE "Nums" SET a = 1e-131 WHERE pk = 970005`, underflow + " under root"},
		{`INSERT INTO "Nums" VALUE {'pk': 970006, 'm': {'x': 1e126}}`, overflow + " under root.x"},
		{`INSERT INTO "Nums" VALUE {'pk': 970007, 'l': [1, 1e126]}`, overflow + " under root[1]"},
		{`SELECT * FROM "Strs" WHERE`, MsgNotWellFormed + "Unexpected term"},
		{`SELECT * FROM "Strs" WHERE;`, MsgNotWellFormed + "Unexpected term"},
		{`SELECT * FROM "Strs" WHERE   `, MsgNotWellFormed + "Unexpected term"},
		{`SELECT pk FROM "Strs" WHERE`, MsgNotWellFormed + "Unexpected term"},
		{`UPDATE "Strs" SET a = 1 WHERE`, MsgNotWellFormed + "Unexpected term"},
		{`DELETE FROM "Strs" WHERE`, MsgNotWellFormed + "Unexpected term"},
		{`SELECT * FROM "Strs" WHERE NOT`, MsgNotWellFormed + "Unexpected term"},
		{`SELECT * FROM "Strs" WHERE (`, MsgNotWellFormed + "Unexpected term"},
		{`SELECT * FROM "S-never-created" WHERE`, MsgNotWellFormed + "Unexpected term"},
		{`SELECT * FROM "Strs" WHERE pk = 'p1' AND`, MsgNotWellFormed + "Missing right-hand side expression of infix operator"},
		{`SELECT * FROM "Strs" WHERE pk = 'p1' OR`, MsgNotWellFormed + "Missing right-hand side expression of infix operator"},
		{`SELECT * FROM "Strs" WHERE ORDER BY pk`, MsgNotWellFormed + "Unexpected keyword"},
		{`x IS INT4`, "Unsupported operation: IsType"},
		{`x IS INT8`, "Unsupported operation: IsType"},
		{`x IS DOUBLE PRECISION`, "Unsupported operation: IsType"},
		{`x IS CHARACTER VARYING`, "Unsupported operation: IsType"},
		{`SELECT * FROM "Strs" WHERE pk = 'a' AND x IS FOO`, MsgNotWellFormed + "Expected type name"},
		{`SELECT * FROM "Strs" WHERE IS NULL`, MsgNotWellFormed + "Unexpected operator"},
		{`SELECT * FROM "Strs" WHERE pk = LIKE`, MsgNotWellFormed + "Unexpected operator"},
		{`DELETE FROM`, MsgNotWellFormed + "Expected identifier for simple path"},
		{`DELETE FROM   `, MsgNotWellFormed + "Expected identifier for simple path"},
		{`DELETE FROM;`, MsgNotWellFormed + "Expected identifier for simple path"},
		{`DELETE FROM WHERE pk = 'a'`, MsgNotWellFormed + "Expected identifier for simple path"},
		{`SELECT * FROM`, MsgNotWellFormed + "Unexpected term"},
		{`FROM "Strs" SET c = 1 WHERE pk = 'pq-ff-msg'`, leftover},
		{`FROM "Strs" SET c = 1 WHERE pk = 'pq-ff-msg' SET d = 2`, leftover},
		{`SLECT * FROM "Users"`, MsgNotWellFormed + "Expected data manipulation"},
		{`DELETE FROM "Strs" WHERE pk = 'x' RETURNING MODIFIED OLD *`, "Invalid returning clause: RETURNING MODIFIED OLD *. Only RETURNING ALL OLD * is allowed in DELETE statements."},
		{`DELETE FROM "Strs" WHERE pk = 'x' RETURNING MODIFIED NEW *`, "Invalid returning clause: RETURNING MODIFIED NEW *. Only RETURNING ALL OLD * is allowed in DELETE statements."},
		// DynamoDB Local recordings of a Go driver's tests.
		{`SELECT id FROM dbimp_page LIMIT 5`, "Unsupported clause: LIMIT at 1:33:1"},
		{`SELECT s, s FROM dbimp_types WHERE pk = 't1'`, "Duplicate identifiers in select clause: s"},
		{`SELECT s AS x FROM dbimp_types WHERE pk = 't1'`, MsgAliasing},
	}
	for _, tt := range tests {
		_, err := Parse(tt.stmt, nil)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) = %v\nwant %s", tt.stmt, err, tt.want)
			continue
		}
		if e := err.(*Error); e.Code != CodeValidation {
			t.Errorf("Parse(%q) code %q", tt.stmt, e.Code)
		}
	}
}

// TestErrors covers the rest: the reference parser's details, DynamoDB's
// own constants (as DynamoDB Local ships them) and, marked "assumed",
// texts whose PartiQL wording has no public record.
func TestErrors(t *testing.T) {
	wf := MsgNotWellFormed
	tests := []struct {
		stmt   string
		params []Value
		want   string
	}{
		// parameters
		{`SELECT * FROM tbl WHERE a = ?`, nil, MsgParameterCount},
		{`SELECT * FROM tbl WHERE a = 1`, []Value{s("x")}, MsgParameterCount},
		{`SELECT * FROM tbl WHERE a = ? AND b = ?`, []Value{s("x")}, MsgParameterCount},
		// the reference parser
		{`SELECT 1 FROM tbl; SELECT 2 FROM tbl`, nil, wf + "Unexpected token after semicolon. (Only one query is allowed.)"},
		{``, nil, wf + "Unexpected term"},
		{`SELECT FROM tbl`, nil, wf + "Expected identifier or an expression but found unexpected keyword 'from' in a select list."},
		{`SELECT * tbl`, nil, wf + "Expected FROM after SELECT list"},
		{`SELECT * FROM tbl WHERE size = 1`, nil, wf + "Unexpected keyword"},
		{`SELECT * FROM tbl WHERE value = 1`, nil, wf + "Unexpected keyword"},
		{`SELECT * FROM tbl WHERE a = [1, 2`, nil, wf + "Expected RIGHT_BRACKET"},
		{`SELECT * FROM tbl WHERE a = {'x' 1}`, nil, wf + "Expected COLON"},
		{`SELECT * FROM tbl WHERE a = {'x': 1`, nil, wf + "Expected RIGHT_CURLY"},
		{`SELECT * FROM tbl WHERE (a = 1`, nil, wf + "Expected RIGHT_PAREN"},
		{`SELECT * FROM tbl WHERE a = <<1`, nil, wf + "Expected RIGHT_DOUBLE_ANGLE_BRACKET"},
		{`SELECT * FROM tbl WHERE a = [1,]`, nil, wf + "Unexpected term"},
		{`SELECT * FROM tbl WHERE a BETWEEN 1 OR 2`, nil, wf + "Expected AND keyword"},
		{`SELECT * FROM tbl WHERE a BETWEEN 1 AND`, nil, wf + "Expected expression after AND"},
		{`SELECT * FROM tbl WHERE a IS FLOAT(1, 2)`, nil, wf + "is type argument float must have arity of 0..1"},
		{`SELECT * FROM tbl WHERE a IS DECIMAL('x')`, nil, wf + "Type parameter must be an unsigned integer literal"},
		{`SELECT * FROM tbl WHERE a. = 1`, nil, wf + "Invalid path dot component"},
		{`SELECT * FROM tbl WHERE foo(*) = 1`, nil, wf + "foo(*) is not allowed"},
		{`SELECT * FROM tbl WHERE @1 = 1`, nil, wf + "Identifier must follow @-operator"},
		{`SELECT a[*] FROM tbl`, nil, wf + "Invalid use of * in select list"},
		{`SELECT a.*.b FROM tbl`, nil, wf + "Invalid use of * in select list"},
		{`SELECT a[1].* FROM tbl`, nil, wf + "Cannot use [] and * together in SELECT list expression"},
		{`SELECT * FROM tbl GROUP BY 1`, nil, wf + "Literals (including ordinals) not supported in GROUP BY"},
		{`DELETE tbl WHERE a = 1`, nil, wf + "Expected FROM after DELETE"},
		{`UPDATE tbl WHERE a = 1`, nil, wf + "Expected data manipulation"},
		{`UPDATE tbl SET a WHERE pk = 1`, nil, wf + "Expected '='"},
		{`UPDATE tbl SET a.* = 1 WHERE pk = 1`, nil, wf + "Invalid path dot component for simple path"},
		{`UPDATE tbl SET a[b + 1] = 1 WHERE pk = 1`, nil, wf + "Invalid path component for simple path"},
		{`UPDATE tbl SET a = 1 WHERE pk = 1 RETURNING foo`, nil, wf + "Expected ( MODIFIED | ALL ) ( NEW | OLD ) in each returning element."},
		{`UPDATE tbl SET a = 1 WHERE pk = 1 RETURNING ALL OLD a + 1`, nil, wf + "Unsupported syntax in RETURNING columns."},
		{`INSERT INTO tbl VALUE {'a': 1} ON CONFLICT DO NOTHING`, nil, wf + "invalid ON CONFLICT syntax"},
		{`SELECT * FROM tbl WHERE a = (1 + UPDATE tbl SET a = 1)`, nil, wf + "Keyword update only expected at the top level in the query"},
		{`SELECT * FROM tbl WHERE a = 'unterminated`, nil, wf},
		{`SELECT * FROM "tbl WHERE a = 1`, nil, wf},
		{`SELECT * FROM tbl WHERE a = 1abc`, nil, wf},
		{`SELECT * FROM tbl WHERE a = 1e`, nil, wf},
		{`SELECT * FROM tbl WHERE a = ^`, nil, wf},
		{`SELECT * FROM tbl WHERE a = ` + strings.Repeat("(", 1000) + "1" + strings.Repeat(")", 1000), nil, wf},
		{`SELECT * FROM tbl WHERE a = ` + strings.Repeat("[", 1000), nil, wf},
		{`SELECT * FROM tbl WHERE ` + strings.Repeat("NOT ", 1000) + "a = 1", nil, wf},
		{`SELECT * FROM tbl WHERE a = ` + strings.Repeat("- ", 1000) + "1", nil, wf},
		// statements DynamoDB does not run
		{`1 + 1`, nil, "Unsupported operation: Plus"},
		{`'x'`, nil, "Unsupported operation: Lit"},
		{`NOT a IN [1]`, nil, "Unsupported operation: Not"},
		{`a NOT IN [1]`, nil, "Unsupported operation: Not"},
		{`EXISTS(1)`, nil, "Unsupported operation: Call"},
		{`SET a = 1`, nil, MsgDMLSingleTable}, // assumed
		{`INSERT INTO tbl <<{'a': 1}, {'a': 2}>>`, nil, MsgInsertMultiple},
		{`INSERT INTO tbl VALUES ({'a': 1})`, nil, MsgInsertMultiple},
		{`FROM tbl WHERE a = 1 INSERT INTO tbl VALUE {'a': 1}`, nil, MsgInsertFromWhere + " at 1:22:11"},
		{`INSERT INTO tbl VALUE {'a': 1} AT 1`, nil, MsgInsertAt + " at 1:1:11"},
		{`INSERT INTO tbl VALUE {'a': 1} ON CONFLICT WHERE a = 1 DO NOTHING`, nil, "Unsupported clause: ON CONFLICT"},
		{`INSERT INTO tbl VALUE {'a': 1} RETURNING ALL OLD *`, nil, MsgReturningInsert},
		{`INSERT INTO tbl VALUE [1]`, nil, MsgInsertFormat + " at 1:23:1"},
		{`INSERT INTO tbl VALUE ?`, []Value{{M: map[string]Value{}}}, MsgInsertFormat + " at 1:23:1"},
		{`INSERT INTO "tbl"."idx" VALUE {'a': 1}`, nil, MsgDMLSingleTable},
		{`DELETE FROM tbl WHERE pk = 1 RETURNING ALL NEW *`, nil, "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE statements."},
		{`DELETE FROM tbl WHERE pk = 1 RETURNING ALL OLD a`, nil, MsgReturningStar},
		{`UPDATE tbl SET a = 1 WHERE pk = 1 RETURNING ALL OLD *, ALL NEW *`, nil, MsgReturningMultiple},
		{`UPDATE "tbl"."idx" SET a = 1 WHERE pk = 1`, nil, MsgNotOnIndex},
		// FROM
		{`SELECT * FROM tbl, other`, nil, MsgSelectSingleSource},
		{`SELECT * FROM tbl JOIN other ON a = b`, nil, MsgSelectSingleSource},
		{`SELECT * FROM tbl AT i`, nil, MsgAliasing},
		{`SELECT * FROM tbl.idx.more`, nil, MsgFromTwoComponents},
		{`SELECT * FROM tbl[0]`, nil, MsgFromListIndex},
		{`SELECT * FROM 'tbl'`, nil, MsgUnexpectedFrom},
		{`SELECT * FROM my-tbl`, nil, MsgUnexpectedFrom},
		{`SELECT * FROM my-table`, nil, wf + "Unexpected keyword"},
		{`SELECT * FROM ab`, nil, MsgTableName},
		{`SELECT * FROM "tbl"."i$"`, nil, MsgTableName},
		// projection
		{`SELECT *, a FROM tbl`, nil, MsgStarAndOthers},
		{`SELECT a.* FROM tbl`, nil, MsgHierarchy},
		{`SELECT VALUE a FROM tbl`, nil, MsgProjectionValue},
		{`SELECT DISTINCT a FROM tbl`, nil, "Unsupported token in expression: DISTINCT"},
		{`SELECT 1 FROM tbl`, nil, MsgPathComponent + " at 1:8:1"},
		{`SELECT a.b[1], c.b[1] FROM tbl`, nil, "Duplicate identifiers in select clause: b[1]"},
		{`SELECT * FROM tbl GROUP BY a`, nil, "Unsupported clause: GROUP BY"},
		{`SELECT * FROM tbl WHERE a = 1 HAVING b = 2`, nil, "Unsupported clause: HAVING at 1:40:1"},
		{`SELECT * FROM tbl WHERE a = 1 ORDER BY 'x'`, nil, "Argument to ORDER BY must be of type VariableReference. Type: Literal"},
		{`SELECT * FROM tbl ORDER BY pk`, nil, MsgOrderByNoWhere},
		// WHERE
		{`SELECT * FROM tbl WHERE a`, nil, MsgWhereBoolean},
		{`SELECT * FROM tbl WHERE 1`, nil, MsgWhereBoolean},
		{`SELECT * FROM tbl WHERE NOT a`, nil, MsgNotOperand},
		{`SELECT * FROM tbl WHERE a AND b = 1`, nil, MsgAndOrOperand},
		{`SELECT * FROM tbl WHERE TRUE OR b = 1`, nil, MsgAndOrOperand},
		{`SELECT * FROM tbl WHERE a IN 1`, nil, MsgInOperator},
		{`SELECT * FROM tbl WHERE a IN []`, nil, MsgInOperator},
		{`SELECT * FROM tbl WHERE a IN ?`, []Value{{L: []Value{s("x")}}}, MsgInOperator},
		{`SELECT * FROM tbl WHERE a = MISSING`, nil, MsgMissingLiteral},
		{`SELECT * FROM tbl WHERE ? IS NULL`, []Value{s("x")}, MsgIsOperand},
		{`SELECT * FROM tbl WHERE a IS INT`, nil, "Unsupported data type for IS operator: INTEGER. Supported data types are [MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]"},
		{`SELECT * FROM tbl WHERE a + 1 = 2`, nil, "Unsupported operator in Condition Expression. Operator: +"},
		{`SELECT * FROM tbl WHERE a LIKE 'x%'`, nil, "Unsupported operator in Condition Expression. Operator: like"},
		{`SELECT * FROM tbl WHERE a || 'x' = 'y'`, nil, "Unsupported operator in Condition Expression. Operator: ||"},
		{`SELECT * FROM tbl WHERE -a = 1`, nil, "Unsupported operator in Condition Expression. Operator: -"},
		{`SELECT * FROM tbl WHERE foo(a)`, nil, "Unrecognized function: foo"},
		{`SELECT * FROM tbl WHERE Exists(a)`, nil, "Unrecognized function: exists"},
		{`SELECT * FROM tbl WHERE count(*) = 1`, nil, "Unsupported token in expression: count at 1:25:5"},
		{`SELECT * FROM tbl WHERE a = (SELECT * FROM tbl)`, nil, "Unsupported token in expression: SELECT at 1:30:6"},
		{`SELECT * FROM tbl WHERE a[-1] = 1`, nil, "List index is not within the allowable range; index: [-1] at 1:28:1"},
		{`SELECT * FROM tbl WHERE a[2147483648] = 1`, nil, "List index is not within the allowable range; index: [2147483648] at 1:27:10"},
		{`SELECT * FROM tbl WHERE a[*] = 1`, nil, MsgWildcardPath + " at 1:27:1"},
		{`SELECT * FROM tbl WHERE a.*.b = 1`, nil, MsgUnpivotPath + " at 1:27:1"},
		{`SELECT * FROM tbl WHERE [1][0] = 1`, nil, MsgPathStartsWithIndex + " at 1:25:1"},
		{`SELECT * FROM tbl WHERE a."" = 1`, nil, MsgEmptyPathComponent},
		{`SELECT * FROM tbl WHERE "" = 1`, nil, MsgEmptyPathComponent},
		{`SELECT * FROM tbl WHERE a[1.5] = 1`, nil, MsgPathComponent + " at 1:27:3"},
		{`SELECT * FROM tbl WHERE a = -0.0`, nil, "Negative zero decimal is not supported under key root at 1:30:3"},
		{"SELECT * FROM tbl WHERE a = `1`", nil, "Ion Literals are not supported: INT under key root at 1:29:3"},
		{`SELECT * FROM tbl WHERE a = <<>>`, nil, MsgEmptyBag + " at 1:29:2"},
		{`SELECT * FROM tbl WHERE a = <<1, 'x'>>`, nil, MsgBagType},
		{`SELECT * FROM tbl WHERE a = <<'x', 1>>`, nil, MsgBagType + " at 1:36:1"},
		{`SELECT * FROM tbl WHERE a = <<[1]>>`, nil, MsgBagType + " at 1:31:1"},
		{`SELECT * FROM tbl WHERE a = <<TRUE>>`, nil, MsgBagType + " at 1:31:4"},
		{`SELECT * FROM tbl WHERE a = <<?>>`, []Value{s("x")}, MsgBagType + " at 1:31:1"},
		{`SELECT * FROM tbl WHERE a = <<1, ?>>`, []Value{n("1")}, "Unsupported data type: Parameter under key root at 1:34:1"},
		{`SELECT * FROM tbl WHERE a = <<1, NULL>>`, nil, "Numeric sets may not contain null under root"}, // assumed
		{`SELECT * FROM tbl WHERE a = {'x': <<'a', NULL>>}`, nil, "Value contains null under root.x"},    // assumed
		{`SELECT * FROM tbl WHERE a = [b]`, nil, "Unsupported data type: VariableReference under key root[0] at 1:30:1"},
		{`SELECT * FROM tbl WHERE a = ` + strings.Repeat("[", 33) + strings.Repeat("]", 33), nil, MsgNesting}, // assumed
		// functions: the expression APIs' texts without their "Invalid
		// ConditionExpression: " prefix (pinned for three of them)
		{`SELECT * FROM tbl WHERE begins_with(a)`, nil, "Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1"},
		{`SELECT * FROM tbl WHERE begins_with('x', a)`, nil, "Operator or function requires a document path; operator or function: begins_with"},
		{`SELECT * FROM tbl WHERE begins_with(a, 1)`, nil, "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
		{`SELECT * FROM tbl WHERE attribute_type(a, 'X')`, nil, "Invalid attribute type name found; type: X, valid types: { B, NULL, SS, BOOL, L, BS, N, NS, S, M }"},
		{`SELECT * FROM tbl WHERE size(a)`, nil, "The function is not allowed to be used this way in an expression; function: size"},
		{`SELECT * FROM tbl WHERE begins_with(a, 'x') = TRUE`, nil, "The function is not allowed to be used this way in an expression; function: begins_with"},
		{`SELECT * FROM tbl WHERE attribute_exists('ss')`, nil, "Operator or function requires a document path; operator or function: attribute_exists"},
		{`SELECT * FROM tbl WHERE attribute_exists()`, nil, "Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 0"},
		{`SELECT * FROM tbl WHERE a < ?`, []Value{{BOOL: ptr(true)}}, "Incorrect operand type for operator or function; operator or function: <, operand type: BOOL"},
		{`SELECT * FROM tbl WHERE a >= ?`, []Value{{L: []Value{s("x")}}}, "Incorrect operand type for operator or function; operator or function: >=, operand type: L"},
		{`SELECT * FROM tbl WHERE a BETWEEN ? AND ?`, []Value{{BOOL: ptr(true)}, {BOOL: ptr(false)}}, "Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: BOOL"},
		{`SELECT * FROM tbl WHERE list_append(a, b) = a`, nil, "The function is not allowed in a condition expression; function: list_append"},
		// UPDATE
		{`UPDATE tbl SET a = b IS NULL WHERE pk = 1`, nil, MsgIsInUpdate},
		{`UPDATE tbl SET a = b IS NOT NULL WHERE pk = 1`, nil, "Unsupported operator in Update Expression. Operator: not"},
		{`UPDATE tbl SET a = b * 2 WHERE pk = 1`, nil, "Unsupported operator in Update Expression. Operator: *"},
		{`UPDATE tbl SET a = b = 2 WHERE pk = 1`, nil, "Unsupported operator in Update Expression. Operator: ="}, // assumed
		{`UPDATE tbl SET a = MISSING WHERE pk = 1`, nil, MsgMissingLiteral},
		{`UPDATE tbl SET a = set_add(a) WHERE pk = 1`, nil, "SET_ADD must have exactly two arguments at 1:20:7"},
		{`UPDATE tbl SET a = set_delete(b, <<1>>) WHERE pk = 1`, nil, "The first argument to SET_DELETE must equal the assignment value"},
		{`UPDATE tbl SET a = set_add(a, [1]) WHERE pk = 1`, nil, "The second argument to SET_ADD must be a value with type SET at 1:28:1"},
		{`UPDATE tbl SET a = begins_with(a, 'x') WHERE pk = 1`, nil, "The function is not allowed in an update expression; function: begins_with"},
		{`UPDATE tbl SET a = nope(a) WHERE pk = 1`, nil, "Unrecognized function: nope"},
		{`UPDATE tbl INSERT INTO x VALUE {'a': 1} WHERE pk = 1`, nil, MsgInsertFromWhere + " at 1:12:11"},
		// INSERT items
		{`INSERT INTO tbl VALUE {'a': 1, 'a': 2}`, nil, "Duplicate keys in tuple. Key: a under root at 1:32:3"},
		{`INSERT INTO tbl VALUE {'m': {'a': 1, 'a': 2}}`, nil, "Duplicate keys in tuple. Key: a under root at 1:38:3"},
		{`INSERT INTO tbl VALUE {a: 1}`, nil, "Tuple keys must be of type String. Actual type: VariableReference under root at 1:24:1"},
		{`INSERT INTO tbl VALUE {"a": 1}`, nil, "Tuple keys must be of type String. Actual type: VariableReference under root at 1:24:3"},
		{`INSERT INTO tbl VALUE {1: 1}`, nil, "Tuple keys must be of type String. Actual type: INT under root at 1:24:1"},
		{`INSERT INTO tbl VALUE {?: 1}`, []Value{s("a")}, "Tuple keys must be of type String. Actual type: Parameter under root at 1:24:1"},
		{`INSERT INTO tbl VALUE {'': 1}`, nil, MsgEmptyPathComponent},
		{`INSERT INTO tbl VALUE {'a': b}`, nil, "Unsupported data type: b under key root at 1:29:1"},
		{`INSERT INTO tbl VALUE {'a': MISSING}`, nil, "Unsupported data type: MISSING under key root at 1:29:7"},
		{`INSERT INTO tbl VALUE {'a': 1 + 1}`, nil, "Unsupported data type: + under key root at 1:31:1"},
		{`INSERT INTO tbl VALUE {'a': {'b': c}}`, nil, "Unsupported data type: VariableReference under key root.b at 1:35:1"},
		{"INSERT INTO tbl VALUE {`a`: 1}", nil, "Ion Literals are not supported: SYMBOL under key root at 1:24:3"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.stmt, tt.params)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) = %v\nwant %s", tt.stmt, err, tt.want)
		}
	}
}
