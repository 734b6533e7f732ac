// Command hako runs the serverless cloud in one binary: `hako` or
// `hako serve` starts every service on one port.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/hako-dev/hako/internal/config"
	"github.com/hako-dev/hako/internal/server"
)

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "serve" {
		args = args[1:]
	}
	cfg, err := config.Parse(args, os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "hako:", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = server.Run(ctx, cfg, logger, func(addr string) {
		fmt.Printf("hako ready on http://%s\n", addr)
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "hako:", err)
		os.Exit(1)
	}
}
