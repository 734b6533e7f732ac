// Package expr implements DynamoDB's expression languages (condition, filter,
// key condition, update and projection expressions) and the legacy
// parameters that older SDKs still send (Expected, KeyConditions,
// QueryFilter, ScanFilter, AttributeUpdates, AttributesToGet): a hand-written
// lexer and parser, name and value resolution across one request, the
// validation DynamoDB performs before touching data, and the evaluator.
//
// Every error is an *attr.Error carrying the exact ValidationException text
// DynamoDB returns, because clients and test suites match on those texts.
//
// Parsing follows the grammar DynamoDB's own ANTLR parser uses (published in
// the DAX clients): syntax errors name the first token that cannot continue
// any valid expression and the text "near" it (previous token, the offending
// token and the next one, with the whitespace between them). After parsing,
// checks run in DynamoDB's order: reserved words and function names as the
// tree is walked, then duplicate update sections, then name and value
// resolution and the per-operator checks.
package expr
