package sns

import (
	"errors"
	"strconv"
	"strings"

	"github.com/hako-dev/hako/internal/model/snsapi"
	"github.com/hako-dev/hako/internal/pattern"
)

// attrValue is a validated message attribute.
type attrValue struct {
	dataType string
	str      string
	bin      []byte
	isBinary bool
}

// checkAttributes validates message attributes as SNS does and returns
// them with their size (names, types and values, which count toward the
// 256 KiB limit).
func checkAttributes(in map[string]snsapi.MessageAttributeValue) (map[string]attrValue, int, error) {
	if len(in) == 0 {
		return nil, 0, nil
	}
	out := make(map[string]attrValue, len(in))
	size := 0
	for name, v := range in {
		if err := checkAttributeName(name); err != nil {
			return nil, 0, err
		}
		dt := ""
		if v.DataType != nil {
			dt = *v.DataType
		}
		base, _, _ := strings.Cut(dt, ".")
		if base != "String" && base != "Number" && base != "Binary" || strings.HasSuffix(dt, ".") {
			return nil, 0, invalidParameterValue("The message attribute '%s' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.", name)
		}
		if v.StringValue == nil && v.BinaryValue == nil {
			return nil, 0, invalidParameterValue("The message attribute '%s' must contain non-empty message attribute value for message attribute type '%s'.", name, dt)
		}
		a := attrValue{dataType: dt}
		if base == "Binary" {
			if v.BinaryValue == nil {
				return nil, 0, invalidParameterValue("The message attribute '%s' with type '%s' must use field 'Binary'.", name, dt)
			}
			if len(v.BinaryValue) == 0 {
				return nil, 0, invalidParameterValue("The message attribute '%s' must contain non-empty message attribute value for message attribute type '%s'.", name, dt)
			}
			a.bin, a.isBinary = v.BinaryValue, true
			size += len(v.BinaryValue)
		} else {
			if v.StringValue == nil {
				return nil, 0, invalidParameterValue("The message attribute '%s' with type '%s' must use field 'String'.", name, dt)
			}
			if *v.StringValue == "" {
				return nil, 0, invalidParameterValue("The message attribute '%s' must contain non-empty message attribute value for message attribute type '%s'.", name, dt)
			}
			if base == "Number" && !validNumber(*v.StringValue) {
				return nil, 0, invalidParameterValue("Could not cast message attribute '%s' value to number.", name)
			}
			a.str = *v.StringValue
			size += len(a.str)
		}
		size += len(name) + len(dt)
		out[name] = a
	}
	return out, size, nil
}

// checkAttributeName applies SNS's rules for attribute names.
func checkAttributeName(name string) error {
	if len(name) > 256 {
		return invalidParameterValue("Length of message attribute name must be less than 256 bytes.")
	}
	if name == "" {
		return invalidParameterValue("The message attribute name can not be empty.")
	}
	if name[0] == '.' {
		return invalidParameterValue("Invalid message attribute name starting with character '.' was found.")
	}
	if name[len(name)-1] == '.' {
		return invalidParameterValue("Invalid message attribute name ending with character '.' was found.")
	}
	for i, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.'
		if !ok {
			return invalidParameterValue("Invalid non-alphanumeric character '#x%s' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.", strings.ToUpper(strconv.FormatInt(int64(r), 16)))
		}
		if r == '.' && i > 0 && name[i-1] == '.' {
			return invalidParameterValue("Message attribute name can not have successive '.' character.")
		}
	}
	return nil
}

// validNumber reports whether s is a decimal number (sign, digits, an
// optional fraction and exponent), as SNS's Number type requires.
func validNumber(s string) bool {
	t := strings.TrimLeft(s, "+-")
	if len(s)-len(t) > 1 || t == "" || !(t[0] >= '0' && t[0] <= '9' || t[0] == '.') {
		return false
	}
	_, err := strconv.ParseFloat(t, 64)
	return err == nil || errors.Is(err, strconv.ErrRange)
}

// patternAttrs is the form the filter engine matches attributes in.
func patternAttrs(attrs []msgAttr) map[string]pattern.Attribute {
	if len(attrs) == 0 {
		return nil
	}
	m := make(map[string]pattern.Attribute, len(attrs))
	for _, a := range attrs {
		m[a.name] = pattern.Attribute{Type: a.dataType, Value: a.value}
	}
	return m
}

// attrsJSON is the "messageAttributes" of an "sqs" delivery (raw message
// delivery): SQS message attribute values.
func attrsJSON(attrs []msgAttr) string {
	if len(attrs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, a := range attrs {
		if i > 0 {
			b.WriteByte(',')
		}
		appendJSONString(&b, a.name)
		b.WriteString(`:{"DataType":`)
		appendJSONString(&b, a.dataType)
		if a.binary != nil {
			b.WriteString(`,"BinaryValue":`) // base64, as encoding/json reads []byte
		} else {
			b.WriteString(`,"StringValue":`)
		}
		appendJSONString(&b, a.value)
		b.WriteByte('}')
	}
	b.WriteByte('}')
	return b.String()
}
