package apigateway

import (
	"net/http"

	"github.com/hako-dev/hako/internal/protocol/awserr"
)

// The control plane's errors, with AWS's codes, statuses and messages.

func badRequest(msg string) error {
	return awserr.New("BadRequestException", msg).WithStatus(http.StatusBadRequest)
}

func conflict(msg string) error {
	return awserr.New("ConflictException", msg).WithStatus(http.StatusConflict)
}

func notFound(msg string) error {
	return awserr.New("NotFoundException", msg).WithStatus(http.StatusNotFound)
}

// apiNotFound is AWS's message, which names the account and the id.
func apiNotFound(account, apiID string) error {
	return notFound("Invalid API identifier specified " + account + ":" + apiID)
}

// itemNotFound names the kind as AWS does: "Invalid Route identifier
// specified abc1234".
func itemNotFound(kind, id string) error {
	return notFound("Invalid " + kind + " identifier specified " + id)
}
