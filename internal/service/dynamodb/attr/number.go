package attr

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// DynamoDB number limits: 38 significant digits, and the exponent of the
// leading digit between -130 and 125 (1E-130 .. 9.99...9E+125).
const (
	MaxDigits   = 38
	MaxExponent = 125
	MinExponent = -130
)

// AWS message texts for numbers (dynalite's suite, run against DynamoDB).
const (
	msgNotNumeric = "The parameter cannot be converted to a numeric value"
	msgOverflow   = "Number overflow. Attempting to store a number with magnitude larger than supported range"
	msgUnderflow  = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
	msgPrecision  = "Attempting to store more than 38 significant digits in a Number"
)

// decimal is a parsed number: (-1)^neg × d.ddd × 10^exp, where digits has no
// leading or trailing zeros. Zero is digits == "" (and never negative).
type decimal struct {
	neg    bool
	digits string
	exp    int
}

// expClamp bounds exponents of unchecked input so arithmetic on them can
// never overflow an int; anything this far out fails the range check anyway.
const expClamp = 1 << 40

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// parseDecimal accepts the syntax of Java's BigDecimal(String), which
// DynamoDB uses: optional sign, digits with an optional point (at least one
// digit), optional exponent. No spaces, NaN or Infinity. Like BigDecimal it
// rejects exponents with more than 10 significant digits and scales outside
// the int32 range.
func parseDecimal(s string) (decimal, bool) {
	var d decimal
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		d.neg = s[i] == '-'
		i++
	}
	intStart := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intPart := s[intStart:i]
	frac := ""
	if i < len(s) && s[i] == '.' {
		i++
		fracStart := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		frac = s[fracStart:i]
	}
	if len(intPart)+len(frac) == 0 {
		return d, false
	}
	var e int64
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		expStart := i
		for i < len(s) && s[i] == '0' {
			i++
		}
		sig := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == expStart || i-sig > 10 {
			return d, false
		}
		for j := sig; j < i; j++ {
			e = e*10 + int64(s[j]-'0')
		}
		if eneg {
			e = -e
		}
	}
	if i != len(s) {
		return d, false
	}
	if scale := int64(len(frac)) - e; scale > math.MaxInt32 || scale < math.MinInt32 {
		return d, false
	}

	// Significant digits of intPart+frac without building the concatenation
	// unless they straddle the point.
	first, last := -1, -1 // indexes into intPart+frac
	n := len(intPart) + len(frac)
	at := func(j int) byte {
		if j < len(intPart) {
			return intPart[j]
		}
		return frac[j-len(intPart)]
	}
	for j := 0; j < n; j++ {
		if at(j) != '0' {
			first = j
			break
		}
	}
	if first < 0 {
		d.neg = false
		return d, true
	}
	for j := n - 1; j >= first; j-- {
		if at(j) != '0' {
			last = j
			break
		}
	}
	switch {
	case last < len(intPart):
		d.digits = intPart[first : last+1]
	case first >= len(intPart):
		d.digits = frac[first-len(intPart) : last+1-len(intPart)]
	default:
		d.digits = intPart[first:] + frac[:last+1-len(intPart)]
	}
	exp := int64(len(intPart)-1-first) + e
	d.exp = int(max(min(exp, expClamp), -expClamp))
	return d, true
}

// check applies DynamoDB's range and precision limits, in DynamoDB's order.
func (d decimal) check() error {
	switch {
	case d.digits == "":
		return nil
	case d.exp > MaxExponent:
		return &Error{Msg: msgOverflow}
	case d.exp < MinExponent:
		return &Error{Msg: msgUnderflow}
	case len(d.digits) > MaxDigits:
		return &Error{Msg: msgPrecision}
	}
	return nil
}

// appendTo writes d in plain notation, as DynamoDB returns numbers: never an
// exponent, so 1E+100 is a 1 and 100 zeros. Only call it on checked values.
func (d decimal) appendTo(b []byte) []byte {
	if d.digits == "" {
		return append(b, '0')
	}
	n := len(d.digits)
	if d.neg {
		b = append(b, '-')
	}
	switch {
	case d.exp >= n-1:
		b = append(b, d.digits...)
		for range d.exp - (n - 1) {
			b = append(b, '0')
		}
	case d.exp < 0:
		b = append(b, '0', '.')
		for range -d.exp - 1 {
			b = append(b, '0')
		}
		b = append(b, d.digits...)
	default:
		b = append(b, d.digits[:d.exp+1]...)
		b = append(b, '.')
		b = append(b, d.digits[d.exp+1:]...)
	}
	return b
}

// String is appendTo as a string.
func (d decimal) String() string {
	var buf [64]byte
	return string(d.appendTo(buf[:0]))
}

// sign is -1, 0 or 1.
func (d decimal) sign() int {
	switch {
	case d.digits == "":
		return 0
	case d.neg:
		return -1
	}
	return 1
}

func compareDecimal(x, y decimal) int {
	sx, sy := x.sign(), y.sign()
	if sx != sy {
		if sx < sy {
			return -1
		}
		return 1
	}
	if sx == 0 {
		return 0
	}
	c := 0
	switch {
	case x.exp < y.exp:
		c = -1
	case x.exp > y.exp:
		c = 1
	default:
		// Same leading exponent: digit strings without trailing zeros
		// order like the numbers.
		c = strings.Compare(x.digits, y.digits)
	}
	return c * sx
}

func numericError(s string) error {
	if s == "" {
		return &Error{Msg: msgNotNumeric}
	}
	return &Error{Msg: msgNotNumeric + ": " + s}
}

// parseChecked parses s and applies DynamoDB's limits.
func parseChecked(s string) (decimal, error) {
	d, ok := parseDecimal(s)
	if !ok {
		return d, numericError(s)
	}
	return d, d.check()
}

// CanonicalNumber validates a DynamoDB number and returns the form DynamoDB
// stores and returns: plain notation, no exponent, leading and trailing zeros
// trimmed, "-0" as "0" ("1.50" -> "1.5", "1e2" -> "100", "1E-3" -> "0.001").
func CanonicalNumber(s string) (string, error) {
	d, err := parseChecked(s)
	if err != nil {
		return "", err
	}
	var buf [64]byte
	if b := d.appendTo(buf[:0]); string(b) != s {
		return string(b), nil
	}
	return s, nil // already canonical: no allocation
}

// CompareNumbers orders two numbers exactly. Inputs are expected to be valid
// (canonical or not); if either does not parse they are compared as strings.
func CompareNumbers(a, b string) int {
	x, okx := parseDecimal(a)
	y, oky := parseDecimal(b)
	if !okx || !oky {
		return strings.Compare(a, b)
	}
	return compareDecimal(x, y)
}

// AddNumbers returns a + b exactly, in canonical form. Like UpdateItem's
// SET a + b and ADD, a result that needs more than 38 significant digits
// fails with DynamoDB's (odd) "Number overflow" message, a result beyond the
// range with overflow or underflow.
func AddNumbers(a, b string) (string, error) {
	x, err := parseChecked(a)
	if err != nil {
		return "", err
	}
	y, err := parseChecked(b)
	if err != nil {
		return "", err
	}
	return addDecimal(x, y)
}

// SubNumbers returns a - b exactly; errors as for AddNumbers.
func SubNumbers(a, b string) (string, error) {
	x, err := parseChecked(a)
	if err != nil {
		return "", err
	}
	y, err := parseChecked(b)
	if err != nil {
		return "", err
	}
	if y.digits != "" {
		y.neg = !y.neg
	}
	return addDecimal(x, y)
}

// coefficient returns d as c × 10^lastExp with c an integer.
func (d decimal) coefficient() (*big.Int, int) {
	c, _ := new(big.Int).SetString(d.digits, 10)
	if d.neg {
		c.Neg(c)
	}
	return c, d.exp - (len(d.digits) - 1)
}

var bigTen = big.NewInt(10)

// addDecimal adds two checked decimals. Their exponents are within the
// DynamoDB range, so the aligned integers have at most ~300 digits.
func addDecimal(x, y decimal) (string, error) {
	if x.digits == "" {
		return y.String(), nil
	}
	if y.digits == "" {
		return x.String(), nil
	}
	cx, ex := x.coefficient()
	cy, ey := y.coefficient()
	m := min(ex, ey)
	if ex > m {
		cx.Mul(cx, new(big.Int).Exp(bigTen, big.NewInt(int64(ex-m)), nil))
	}
	if ey > m {
		cy.Mul(cy, new(big.Int).Exp(bigTen, big.NewInt(int64(ey-m)), nil))
	}
	sum := cx.Add(cx, cy)
	if sum.Sign() == 0 {
		return "0", nil
	}
	s := sum.String()
	var r decimal
	if s[0] == '-' {
		r.neg = true
		s = s[1:]
	}
	t := strings.TrimRight(s, "0")
	r.digits = t
	r.exp = m + len(s) - 1
	switch {
	case r.exp > MaxExponent || len(r.digits) > MaxDigits:
		// DynamoDB reports lost precision in arithmetic as an overflow.
		return "", &Error{Msg: msgOverflow}
	case r.exp < MinExponent:
		return "", &Error{Msg: msgUnderflow}
	}
	return r.String(), nil
}

// numberKey is a compact canonical identity of a number for set membership;
// unlike String it is safe on unchecked input (no huge zero runs).
func numberKey(s string) string {
	d, ok := parseDecimal(s)
	if !ok {
		return "?" + s
	}
	if d.digits == "" {
		return "0"
	}
	sign := "+"
	if d.neg {
		sign = "-"
	}
	return sign + d.digits + "e" + strconv.Itoa(d.exp)
}
