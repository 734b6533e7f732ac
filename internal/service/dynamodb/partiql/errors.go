package partiql

import "fmt"

// CodeValidation is the AWS error code of every error this package returns.
const CodeValidation = "ValidationException"

// Error is a statement DynamoDB refuses. Msg is DynamoDB's message text;
// the service maps Code to the wire error.
type Error struct{ Code, Msg string }

func (e *Error) Error() string { return e.Msg }

func errorf(format string, args ...any) *Error {
	return &Error{Code: CodeValidation, Msg: fmt.Sprintf(format, args...)}
}

func validation(msg string) *Error { return &Error{Code: CodeValidation, Msg: msg} }

// Message texts. Those the tests mark "pinned" were recorded against
// DynamoDB by public conformance suites; the syntax details are the
// reference PartiQL parser's own texts; the rest are DynamoDB's constants as
// DynamoDB Local ships them (ddb.partiql.shared ValidationExceptionMessages).
const (
	// MsgNotWellFormed prefixes every syntax error; the parser's detail
	// follows it (and may be empty, as for a character the lexer refuses).
	MsgNotWellFormed = "Statement wasn't well formed, can't be processed: "

	MsgParameterCount      = "Number of parameters in request and statement don't match."
	MsgIncompleteKey       = "Where clause does not contain a mandatory equality on all key attributes"
	MsgMultipleKeyConds    = "Multiple conditions on same key %s. Only single item Update/Insert/Delete are supported"
	MsgKeyNested           = "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key %s"
	MsgKeyAbsent           = "Key attribute should be present in the item: Key %s"
	MsgKeyTypeMismatch     = "Key attribute's data type should match its data type in table's schema: Key %s"
	MsgOverlapping         = "Overlapping conditions with range keys are not supported in where clause"
	MsgTooManyReads        = "Too many decomposed read operations for a given query."
	MsgAliasing            = "Aliasing is not supported"
	MsgNotOnIndex          = "This operation is not supported on an index"
	MsgUnexpectedFrom      = "Unexpected from source"
	MsgSelectSingleSource  = "Only select from a single table or index is supported."
	MsgDMLSingleTable      = "FROM clause may only contain a single table name in data manipulation statements"
	MsgFromTwoComponents   = "A path may contain at most 2 components in the FROM clause"
	MsgFromListIndex       = "Invalid list expression in source."
	MsgTableName           = "Table name should be within the length [3, 255] and only contain 'a-z', 'A-Z', '0-9', '-', '_', '.'."
	MsgConsistentReadGSI   = "Strongly consistent read is not supported on Global Secondary Indexes"
	MsgTxSelectKey         = "Select statements within ExecuteTransaction must specify the primary key in the where clause."
	MsgTxIndexRead         = "Reads on indices are not supported within transactions."
	MsgTxExistsKey         = "EXISTS() must contain a single item read with additional condition"
	MsgTxIndexOp           = "Operations on indices are not supported in transactions"
	MsgTxUnsupported       = "Unsupported operation in transaction."
	MsgExistsNotTx         = "EXISTS can only be used in ExecuteTransaction write requests."
	MsgBatchSingleSelect   = "Only single item select is supported"
	MsgOrderByNoWhere      = "Must have WHERE clause in the statement when using ORDER BY clause."
	MsgOrderByNoHash       = "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause."
	MsgOrderByNotKey       = "Variable reference %s in ORDER BY clause must be part of the primary key"
	MsgOrderByNotVar       = "Argument to ORDER BY must be of type VariableReference. Type: %s"
	MsgOrderByNeedsHash    = "Must have hash key in ORDER BY clause when more than one hash key condition specified in WHERE clause."
	MsgStarAndOthers       = "Other attributes should not be present in the projection when '*' is used."
	MsgDuplicateProjection = "Duplicate identifiers in select clause: %s"
	MsgProjectionValue     = "Select projection doesn't support value or pivot keywords"
	MsgHierarchy           = "Changing item's hierarchy while reading isn't supported"
	MsgPathComponent       = "Unexpected path component"
	MsgEmptyPathComponent  = "Path component cannot be an empty string"
	MsgPathStartsWithIndex = "A path cannot start with a list index"
	MsgListIndexRange      = "List index is not within the allowable range; index: [%s]"
	MsgUnpivotPath         = "Unpivot path component like a.*.b are not supported"
	MsgWildcardPath        = "Wildcard path component like a[*].b are not supported"
	MsgUnsupportedClause   = "Unsupported clause: %s"
	MsgUnsupportedOp       = "Unsupported operation: %s"
	MsgUnrecognizedFunc    = "Unrecognized function: %s"
	MsgUnsupportedToken    = "Unsupported token in expression: %s"
	MsgConditionOperator   = "Unsupported operator in Condition Expression. Operator: %s"
	MsgUpdateOperator      = "Unsupported operator in Update Expression. Operator: %s"
	MsgAssignmentTarget    = "Unrecognized assignment target: %s"
	MsgUpdateAction        = "Only SET and REMOVE are supported in update expressions at this time"
	MsgSetOpArgs           = "SET_%s must have exactly two arguments"
	MsgSetOpFirstArg       = "The first argument to SET_%s must equal the assignment value"
	MsgSetOpSecondArg      = "The second argument to SET_%s must be a value with type SET"
	MsgInOperator          = "IN operator must have a left hand argument of type Variable Reference and right hand argument of type Seq with at least one member"
	MsgMissingLiteral      = "MISSING must be compared using IS operator"
	MsgIsOperand           = "The left hand side argument to IS must be a Variable Reference, Literal, or Path"
	MsgIsInUpdate          = "IS operator is not supported in update expressions"
	MsgIsType              = "Unsupported data type for IS operator: %s. Supported data types are [MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]"
	MsgNotOperand          = "The argument to NOT must be a Type or Expression"
	MsgAndOrOperand        = "The arguments to AND/OR must be Expressions"
	MsgWhereBoolean        = "WHERE clause must contain an expression that resolves to a boolean"
	MsgInsertMultiple      = "Unsupported operation: Inserting multiple items in a single statement is not supported, use \"INSERT INTO tableName VALUE item\" instead"
	MsgInsertFromWhere     = "Unsupported FROM ... WHERE ... clause in INSERT statement."
	MsgInsertAt            = "AT is not supported in insert statements."
	MsgInsertFormat        = "Unsupported format in item expression. Please use struct format {...} to express item values for insert statement."
	MsgReturningInsert     = "RETURNING is not supported in INSERT"
	MsgReturningDelete     = "Invalid returning clause: RETURNING %s. Only RETURNING ALL OLD * is allowed in DELETE statements."
	MsgReturningMultiple   = "Invalid syntax with multiple returning elements in RETURNING clause"
	MsgReturningStar       = "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause"
	MsgEmptyBag            = "Empty bags are not supported"
	MsgBagType             = "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"
	MsgDuplicateTupleKey   = "Duplicate keys in tuple. Key: %s under %s"
	MsgTupleKeyType        = "Tuple keys must be of type String. Actual type: %s under %s"
	MsgDataType            = "Unsupported data type: %s under key %s"
	MsgIonLiteral          = "Ion Literals are not supported: %s under key %s"
	MsgNegativeZero        = "Negative zero decimal is not supported under key %s"
	MsgNesting             = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit"

	// Texts of DynamoDB's expression engine (UpdateItem, ConditionExpression),
	// which PartiQL statements run through.
	MsgOperandType      = "An operand in the update expression has an incorrect data type"
	MsgMissingAttribute = "The provided expression refers to an attribute that does not exist in the item"
)
