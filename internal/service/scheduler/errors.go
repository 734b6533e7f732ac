package scheduler

import (
	"github.com/hako-dev/hako/internal/protocol/awserr"
)

// The API errors, with AWS's codes (the model gives their statuses) and
// messages. Where AWS's exact wording is not documented the message is an
// assumption, listed in docs/scheduler.md.

func errGroupNotFound(name string) error {
	return awserr.New("ResourceNotFoundException", "Schedule group "+name+" does not exist.")
}

func errScheduleNotFound(name string) error {
	return awserr.New("ResourceNotFoundException", "Schedule "+name+" does not exist.")
}

func errGroupExists(name string) error {
	return awserr.New("ConflictException", "Schedule group "+name+" already exists.")
}

func errScheduleExists(name string) error {
	return awserr.New("ConflictException", "Schedule "+name+" already exists.")
}

func errValidation(msg string) error {
	return awserr.New("ValidationException", msg)
}

// errInvalidExpression is AWS's answer to any unparsable expression
// (recorded against AWS in LocalStack's snapshots).
func errInvalidExpression(expr string) error {
	return errValidation("Invalid Schedule Expression " + expr + ".")
}

// errInvalidToken answers a NextToken hako did not hand out.
func errInvalidToken() error {
	return errValidation("Invalid NextToken.")
}
