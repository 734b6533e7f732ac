package apigateway

import (
	"context"
	"strings"
	"time"
)

// Access logs: each request of a stage with AccessLogSettings writes its
// formatted line to the CloudWatch Logs group of DestinationArn, off the
// request path: lines are queued and written in batches (at most every
// accessLogFlush), one log stream per API and stage.

// LogLine is one access log line.
type LogLine struct {
	Time time.Time
	Text string
}

const (
	accessLogQueue = 8192
	accessLogBatch = 512
	accessLogFlush = 200 * time.Millisecond
)

type accessEntry struct {
	account, region, group, stream string
	line                           LogLine
}

type logKey struct{ account, region, group, stream string }

// logGroupOf parses a log group ARN (arn:aws:logs:REGION:ACCOUNT:log-group:NAME,
// maybe ending in ":*").
func logGroupOf(arn string) (region, account, group string, ok bool) {
	p := strings.SplitN(arn, ":", 7)
	if len(p) != 7 || p[0] != "arn" || p[2] != "logs" || p[5] != "log-group" {
		return "", "", "", false
	}
	return p[3], p[4], strings.TrimSuffix(p[6], ":*"), p[6] != ""
}

// queueAccessLog queues a line for the destination; a full queue drops it
// (logged), as access logging must never slow requests down.
func (s *Service) queueAccessLog(dest, apiID, stage string, line LogLine) {
	region, account, group, ok := logGroupOf(dest)
	if !ok || s.cfg.Logs == nil {
		return
	}
	select {
	case s.accessLogs <- accessEntry{account: account, region: region, group: group, stream: apiID + "_" + stage, line: line}:
	default:
		s.log.Warn("access log line dropped: the queue is full", "api", apiID, "stage", stage)
	}
}

// accessLogger writes queued lines until Close, then what is left.
func (s *Service) accessLogger() {
	defer s.wg.Done()
	batch := map[logKey][]LogLine{}
	n := 0
	flush := func() {
		for k, lines := range batch {
			if err := s.cfg.Logs(context.WithoutCancel(s.ctx), k.account, k.region, k.group, k.stream, lines); err != nil {
				s.log.Warn("access log lines not written", "group", k.group, "lines", len(lines), "err", err)
			}
		}
		clear(batch)
		n = 0
	}
	add := func(e accessEntry) {
		k := logKey{e.account, e.region, e.group, e.stream}
		batch[k] = append(batch[k], e.line)
		n++
	}
	t := time.NewTicker(accessLogFlush)
	defer t.Stop()
	for {
		select {
		case e := <-s.accessLogs:
			add(e)
			if n >= accessLogBatch {
				flush()
			}
		case <-t.C:
			flush()
		case <-s.ctx.Done():
			for {
				select {
				case e := <-s.accessLogs:
					add(e)
					continue
				default:
				}
				break
			}
			flush()
			return
		}
	}
}
