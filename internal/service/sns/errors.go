package sns

import (
	"fmt"
	"strings"

	"github.com/hako-dev/hako/internal/protocol/awserr"
)

// The errors of the service, by the model's shape names (the awsQuery
// codec writes their wire codes: InvalidParameter, NotFound, ...). The
// messages are AWS's.

func invalidParameter(format string, args ...any) *awserr.Error {
	return awserr.New("InvalidParameterException", "Invalid parameter: "+fmt.Sprintf(format, args...))
}

// invalidParameterRaw is InvalidParameter with a message AWS does not
// prefix with "Invalid parameter: ".
func invalidParameterRaw(msg string) *awserr.Error {
	return awserr.New("InvalidParameterException", msg)
}

func invalidParameterValue(format string, args ...any) *awserr.Error {
	return awserr.New("InvalidParameterValueException", fmt.Sprintf(format, args...))
}

func errTopicNotFound() *awserr.Error {
	return awserr.New("NotFoundException", "Topic does not exist")
}

func errSubscriptionNotFound() *awserr.Error {
	return awserr.New("NotFoundException", "Subscription does not exist")
}

func errResourceNotFound() *awserr.Error {
	return awserr.New("ResourceNotFoundException", "Resource does not exist")
}

// arnParts is a parsed ARN.
type arnParts struct {
	partition, service, region, account, resource string
}

// parseARN splits arn:partition:service:region:account:resource (the
// resource may hold further colons).
func parseARN(s string) (arnParts, bool) {
	p := strings.SplitN(s, ":", 6)
	if len(p) != 6 || p[0] != "arn" || p[1] == "" || p[2] == "" {
		return arnParts{}, false
	}
	return arnParts{partition: p[1], service: p[2], region: p[3], account: p[4], resource: p[5]}, true
}

// elements counts the colon-separated parts of an ARN, as AWS's messages do.
func elements(s string) int { return strings.Count(s, ":") + 1 }

// topicARNParts validates a topic ARN parameter (param names it in the
// message: TopicArn, TargetArn, ResourceArn).
func topicARNParts(arn, param string) (arnParts, *awserr.Error) {
	a, ok := parseARN(arn)
	if !ok {
		return a, invalidParameter("%s Reason: An ARN must have at least 6 elements, not %d", param, elements(arn))
	}
	if a.service != "sns" || a.region == "" || a.account == "" || strings.Contains(a.resource, ":") || !validTopicName(a.resource) {
		return a, invalidParameter("%s", param)
	}
	return a, nil
}

// validTopicName reports whether name is a valid standard or FIFO topic name.
func validTopicName(name string) bool {
	base := strings.TrimSuffix(name, ".fifo")
	if base == "" || len(name) > 256 {
		return false
	}
	for i := 0; i < len(base); i++ {
		c := base[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
