package sqs_test

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// TestConcurrentConsumersReceiveEachMessageOnce runs producers and
// consumers concurrently on a standard and a FIFO queue: every message is
// received exactly once (the visibility timeout never expires), and FIFO
// groups are consumed in order.
func TestConcurrentConsumersReceiveEachMessageOnce(t *testing.T) {
	for _, fifo := range []bool{false, true} {
		t.Run(fmt.Sprint("fifo=", fifo), func(t *testing.T) {
			e := newEnv(t)
			var url string
			if fifo {
				url = e.createFIFO("conc.fifo", map[string]string{"ContentBasedDeduplication": "true"})
			} else {
				url = e.createQueue("conc", nil)
			}
			const producers, perProducer, consumers = 4, 50, 6
			const total = producers * perProducer
			var wg sync.WaitGroup
			for p := range producers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range perProducer {
						in := &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(fmt.Sprintf("%d:%d", p, i))}
						if fifo {
							in.MessageGroupId = aws.String(strconv.Itoa(p))
						}
						if _, err := e.c.SendMessage(e.ctx, in); err != nil {
							t.Error(err)
							return
						}
					}
				}()
			}
			var mu sync.Mutex
			seen := map[string]int{}
			last := map[string]int{}
			received := 0
			for range consumers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						mu.Lock()
						done := received >= total
						mu.Unlock()
						if done {
							return
						}
						out, err := e.c.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10})
						if err != nil {
							t.Error(err)
							return
						}
						if len(out.Messages) == 0 {
							time.Sleep(time.Millisecond)
							continue
						}
						var del []types.DeleteMessageBatchRequestEntry
						mu.Lock()
						for i, m := range out.Messages {
							seen[*m.Body]++
							received++
							g, n, _ := strings.Cut(*m.Body, ":")
							k, _ := strconv.Atoi(n)
							if fifo {
								if prev, ok := last[g]; ok && k != prev+1 {
									t.Errorf("group %s: %d after %d", g, k, prev)
								}
								last[g] = k
							}
							del = append(del, types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle})
						}
						mu.Unlock()
						if len(del) > 0 {
							out, err := e.c.DeleteMessageBatch(e.ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: del})
							if err != nil || len(out.Failed) > 0 {
								t.Errorf("delete: %v %+v", err, out)
								return
							}
						}
					}
				}()
			}
			wg.Wait()
			if len(seen) != total {
				t.Fatalf("received %d distinct messages, want %d", len(seen), total)
			}
			for b, n := range seen {
				if n != 1 {
					t.Errorf("%s received %d times", b, n)
				}
			}
		})
	}
}
