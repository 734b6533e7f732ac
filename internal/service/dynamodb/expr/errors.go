package expr

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
)

// kind is the request parameter an expression came from; it names the
// parameter in error messages.
type kind uint8

const (
	kindCondition kind = iota
	kindFilter
	kindKeyCondition
	kindUpdate
	kindProjection
)

func (k kind) param() string {
	switch k {
	case kindFilter:
		return "FilterExpression"
	case kindKeyCondition:
		return "KeyConditionExpression"
	case kindUpdate:
		return "UpdateExpression"
	case kindProjection:
		return "ProjectionExpression"
	}
	return "ConditionExpression"
}

// Message texts. DynamoDB formats a validation error as the message, a ';'
// and then " key: value" pairs separated by ',' (so a message without
// details ends in ';').
const (
	msgEmptyExpr      = "The expression can not be empty;"
	msgRedundant      = "The expression has redundant parentheses;"
	msgReserved       = "Attribute name is a reserved keyword; reserved keyword: "
	msgListIndex      = "List index is not within the allowable range;"
	msgBadFunction    = "Invalid function name; function: "
	msgCondFunction   = "The function is not allowed in a condition expression; function: "
	msgUpdateFunction = "The function is not allowed in an update expression; function: "
	msgFuncContext    = "The function is not allowed to be used this way in an expression; function: "
	msgNameMissing    = "An expression attribute name used in the document path is not defined; attribute name: "
	msgValueMissing   = "An expression attribute value used in expression is not defined; attribute value: "
	msgTooDeep        = "The document path has too many nesting levels; nesting levels: "
	msgTooManyOps     = "The expression contains too many operators; operator count: "
	msgTooLong        = "Expression size has exceeded the maximum allowed size; expression size: "
	msgOperandCount   = "Incorrect number of operands for operator or function; operator or function: %s, number of operands: %d"
	msgOperandType    = "Incorrect operand type for operator or function; operator or function: %s, operand type: %s"
	msgNeedsPath      = "Operator or function requires a document path; operator or function: "
	msgDistinct       = "The first operand must be distinct from the remaining operands for this operator or function; operator: %s, first operand: %s"
	msgBadTypeName    = "Invalid attribute type name found; type: %s, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
	msgAnyType        = "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"
	msgBetweenTypes   = "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: %s, upper bound operand: AttributeValue: %s"
	msgBetweenOrder   = "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: %s, upper bound operand: AttributeValue: %s"
	msgTooManyIn      = "The IN operator is provided with too many operands; number of operands: "
	msgSection        = "The \"%s\" section can only be used once in an update expression;"
	msgOverlap        = "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: %s, path two: %s"
	msgConflict       = "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: %s, path two: %s"
	msgAddDeleteType  = "Incorrect operand type for operator or function; operator: %s, operand type: %s, typeSet: %s"

	// Errors while applying an update to an item.
	msgInvalidPath   = "The document path provided in the update expression is invalid for update"
	msgBadDataType   = "An operand in the update expression has an incorrect data type"
	msgMissingAttr   = "The provided expression refers to an attribute that does not exist in the item"
	msgLegacyType    = "Type mismatch for attribute to update"
	msgParamsInvalid = "One or more parameter values were invalid: "
)

// Limits DynamoDB enforces on expressions.
const (
	maxExprBytes  = 4096
	maxOperators  = 300
	maxPathDepth  = 32
	maxInOperands = 100
	maxListIndex  = 1<<31 - 1
)

func newErr(msg string) error { return &attr.Error{Msg: msg} }

func errf(format string, args ...any) error {
	return &attr.Error{Msg: fmt.Sprintf(format, args...)}
}

// wrap prefixes an expression error with the parameter it came from.
func (k kind) wrap(err error) error {
	if e, ok := err.(*attr.Error); ok {
		return &attr.Error{Msg: "Invalid " + k.param() + ": " + e.Msg}
	}
	return err
}

// typeName is the long type name DynamoDB uses in ADD and DELETE errors.
func typeName(t string) string {
	switch t {
	case "S":
		return "STRING"
	case "N":
		return "NUMBER"
	case "B":
		return "BINARY"
	case "BOOL":
		return "BOOLEAN"
	case "NULL":
		return "NULL"
	case "M":
		return "MAP"
	case "L":
		return "LIST"
	case "SS":
		return "STRING_SET"
	case "NS":
		return "NUMBER_SET"
	case "BS":
		return "BINARY_SET"
	}
	return t
}

// showValue renders a value the way BETWEEN errors do: {N:1}, {S:a}.
func showValue(v *attr.Value) string {
	t := attr.Type(v)
	var s string
	switch t {
	case "S":
		s = *v.S
	case "N":
		s = *v.N
	case "B":
		s = base64.StdEncoding.EncodeToString(v.B)
	case "BOOL":
		s = fmt.Sprint(*v.BOOL)
	case "NULL":
		s = fmt.Sprint(*v.NULL)
	default:
		s = "..."
	}
	return "{" + t + ":" + s + "}"
}

// showPath renders a document path as DynamoDB does: [a, b, [1]].
func showPath(p Path) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, e := range p {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(e.String())
	}
	b.WriteByte(']')
	return b.String()
}
