package attr

import (
	"errors"
	"fmt"
	"strings"
)

// Number key encoding, so that bytes.Compare orders like the numbers:
//
//	class      1 byte: 0x01 negative, 0x02 zero, 0x03 positive (zero ends here)
//	exponent   2 bytes big-endian: exponent of the leading digit + 0x8000,
//	           bitwise inverted for negatives (a bigger exponent is a smaller
//	           negative number)
//	mantissa   the significant digits in pairs, one byte 0..99 per pair, the
//	           last pair padded with a 0; for negatives each byte is 99-pair
//	           and a 0xFF terminator follows, so that a longer mantissa (a
//	           bigger magnitude) sorts first
//
// Digits carry no trailing zeros, so a mantissa that is a prefix of another
// is the smaller magnitude and plain byte order is right for positives.
const (
	keyNegative = 0x01
	keyZero     = 0x02
	keyPositive = 0x03
	keyExpBias  = 0x8000
	keyTerm     = 0xFF
)

// KeyBytes encodes a key attribute value (S, N or B) so that bytes.Compare
// on encodings orders exactly like Compare: S as its UTF-8 bytes, B as its
// bytes, N as described above. It returns nil for other types and for an N
// that does not parse. Numbers are expected to have passed Check; exponents
// beyond ±32767 are clamped.
func KeyBytes(v *Value) []byte {
	switch Type(v) {
	case "S":
		return []byte(*v.S)
	case "B":
		return append([]byte{}, v.B...)
	case "N":
		d, ok := parseDecimal(*v.N)
		if !ok {
			return nil
		}
		return appendNumberKey(nil, d)
	}
	return nil
}

func appendNumberKey(dst []byte, d decimal) []byte {
	if d.digits == "" {
		return append(dst, keyZero)
	}
	e := uint16(max(min(d.exp, 0x7FFF), -0x8000) + keyExpBias)
	class := byte(keyPositive)
	if d.neg {
		class = keyNegative
		e = ^e
	}
	dst = append(dst, class, byte(e>>8), byte(e))
	for i := 0; i < len(d.digits); i += 2 {
		p := (d.digits[i] - '0') * 10
		if i+1 < len(d.digits) {
			p += d.digits[i+1] - '0'
		}
		if d.neg {
			p = 99 - p
		}
		dst = append(dst, p)
	}
	if d.neg {
		dst = append(dst, keyTerm)
	}
	return dst
}

// DecodeKey reverses KeyBytes given the attribute type ("S", "N" or "B").
func DecodeKey(typ string, b []byte) (Value, error) {
	switch typ {
	case "S":
		s := string(b)
		return Value{S: &s}, nil
	case "B":
		return Value{B: append([]byte{}, b...)}, nil
	case "N":
		d, err := decodeNumberKey(b)
		if err != nil {
			return Value{}, err
		}
		s := d.String()
		return Value{N: &s}, nil
	}
	return Value{}, fmt.Errorf("attr: %q is not a key type", typ)
}

var errBadNumberKey = errors.New("attr: malformed number key")

func decodeNumberKey(b []byte) (decimal, error) {
	var d decimal
	if len(b) == 0 {
		return d, errBadNumberKey
	}
	switch b[0] {
	case keyZero:
		if len(b) != 1 {
			return d, errBadNumberKey
		}
		return d, nil
	case keyPositive:
	case keyNegative:
		d.neg = true
		if len(b) < 5 || b[len(b)-1] != keyTerm {
			return d, errBadNumberKey
		}
		b = b[:len(b)-1]
	default:
		return d, errBadNumberKey
	}
	if len(b) < 4 {
		return d, errBadNumberKey
	}
	e := uint16(b[1])<<8 | uint16(b[2])
	if d.neg {
		e = ^e
	}
	d.exp = int(e) - keyExpBias
	pairs := b[3:]
	var digits strings.Builder
	digits.Grow(2 * len(pairs))
	for _, p := range pairs {
		if d.neg {
			if p > 99 {
				return d, errBadNumberKey
			}
			p = 99 - p
		}
		if p > 99 {
			return d, errBadNumberKey
		}
		digits.WriteByte('0' + p/10)
		digits.WriteByte('0' + p%10)
	}
	s := strings.TrimRight(digits.String(), "0")
	if s == "" || s[0] == '0' || len(s) < 2*len(pairs)-1 {
		// A leading zero, or a zero pair at the end: not what KeyBytes writes.
		return d, errBadNumberKey
	}
	d.digits = s
	if d.check() != nil {
		return d, errBadNumberKey
	}
	return d, nil
}
