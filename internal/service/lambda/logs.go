package lambda

import (
	"context"
	"sync"
	"time"

	"github.com/hako-dev/hako/internal/runtime"
)

// logShipper batches function output into CloudWatch Logs off the
// invocation path: an invocation only appends to a buffer.
type logShipper struct {
	s       *Service
	mu      sync.Mutex
	pending map[logKey][]runtime.LogLine
	n       int
	dropped int
	kick    chan struct{}
}

type logKey struct{ account, region, group, stream string }

const (
	logFlushEvery = 200 * time.Millisecond
	logMaxPending = 200000 // lines; beyond this output is dropped (and counted)
)

func newLogShipper(s *Service) *logShipper {
	return &logShipper{s: s, pending: map[logKey][]runtime.LogLine{}, kick: make(chan struct{}, 1)}
}

// add is the runtime's log sink.
func (l *logShipper) add(spec *runtime.Spec, stream string, lines []runtime.LogLine) {
	if l.s.cfg.Logs == nil {
		return
	}
	k := logKey{spec.Account, spec.Region, spec.LogGroup, stream}
	l.mu.Lock()
	if l.n+len(lines) > logMaxPending {
		l.dropped += len(lines)
		l.mu.Unlock()
		return
	}
	l.pending[k] = append(l.pending[k], lines...)
	l.n += len(lines)
	big := l.n > 5000
	l.mu.Unlock()
	if big {
		select {
		case l.kick <- struct{}{}:
		default:
		}
	}
}

func (l *logShipper) run(ctx context.Context) {
	t := time.NewTicker(logFlushEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-l.kick:
		}
		l.flush(ctx)
	}
}

// flush writes out everything pending.
func (l *logShipper) flush(ctx context.Context) {
	if l.s.cfg.Logs == nil {
		return
	}
	l.mu.Lock()
	batch := l.pending
	dropped := l.dropped
	l.pending, l.n, l.dropped = map[logKey][]runtime.LogLine{}, 0, 0
	l.mu.Unlock()
	if dropped > 0 {
		l.s.log.Warn("function log lines dropped: CloudWatch Logs fell behind", "lines", dropped)
	}
	for k, lines := range batch {
		if err := l.s.cfg.Logs.Append(context.WithoutCancel(ctx), k.account, k.region, k.group, k.stream, lines); err != nil {
			l.s.log.Warn("function logs not written", "group", k.group, "err", err)
		}
	}
}
