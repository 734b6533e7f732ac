package model

import (
	"strconv"
	"strings"
)

// ValidationMessage formats violations the way AWS's coral services do:
// "1 validation error detected: Value null at 'roleArn' failed to satisfy
// constraint: Member must not be null".
func ValidationMessage(vs []Violation) string {
	var parts []string
	for _, v := range vs {
		member := lowerFirst(v.Member)
		switch v.Kind {
		case "required":
			parts = append(parts, "Value null at '"+member+"' failed to satisfy constraint: Member must not be null")
		case "length":
			parts = append(parts, "Value '"+v.Value+"' at '"+member+"' failed to satisfy constraint: Member must have length "+boundText(v.Detail))
		case "range":
			parts = append(parts, "Value '"+v.Value+"' at '"+member+"' failed to satisfy constraint: Member must have value "+boundText(v.Detail))
		case "pattern":
			parts = append(parts, "Value '"+v.Value+"' at '"+member+"' failed to satisfy constraint: Member must satisfy regular expression pattern: "+v.Detail)
		case "enum":
			parts = append(parts, "Value '"+v.Value+"' at '"+member+"' failed to satisfy constraint: Member must satisfy enum value set: "+v.Detail)
		}
	}
	noun := "errors"
	if len(parts) == 1 {
		noun = "error"
	}
	return strconv.Itoa(len(parts)) + " validation " + noun + " detected: " + strings.Join(parts, "; ")
}

// boundText words a bound (">= 3", "<= 50"; the validator records the
// one that was crossed) as AWS does ("greater than or equal to 3").
func boundText(d string) string {
	switch {
	case strings.HasPrefix(d, ">= "):
		return "greater than or equal to " + d[3:]
	case strings.HasPrefix(d, "<= "):
		return "less than or equal to " + d[3:]
	}
	return d
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
