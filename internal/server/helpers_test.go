package server_test

import (
	"context"

	"github.com/hako-dev/hako/internal/config"
	"github.com/hako-dev/hako/internal/server"
)

func newServer(cfg config.Config) (*server.Server, error) {
	return server.New(context.Background(), cfg, server.Options{})
}
